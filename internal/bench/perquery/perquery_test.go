package perquery

import (
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func run(scenarios ...Scenario) Run {
	return Run{Commit: "0123456789abcdef", Date: time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC), Command: "make bench-cpu", Scenarios: scenarios}
}

func measured(name string, instr, allocs float64) Scenario {
	return Scenario{Name: name, Title: name, Process: "p", InstructionQueries: 10, AllocationQueries: 100, Instructions: instr, Allocs: allocs, Bytes: 1024}
}

func TestTargets(t *testing.T) {
	baseline := run(measured(Orders, 80e6, 80e3), measured(Home, 6e6, 3e3), measured(Typename, 1e6, 500))
	tests := []struct {
		name     string
		run      Run
		baseline *Run
		want     []string // the result of each target
	}{
		{
			name:     "all met",
			run:      run(measured(Orders, 30e6, 25e3), measured(Home, 3e6, 1e3), measured(Typename, 0.4e6, 100)),
			baseline: &baseline,
			want:     []string{"met", "met", "met", "met"},
		},
		{
			name:     "all missed",
			run:      run(measured(Orders, 30.1e6, 25001), measured(Home, 3.1e6, 1e3), measured(Typename, 0.41e6, 100)),
			baseline: &baseline,
			want:     []string{"**missed**", "**missed**", "**missed**", "**missed**"},
		},
		{
			name: "no baseline",
			run:  run(measured(Orders, 1, 1), measured(Home, 1, 1), measured(Typename, 1, 1)),
			want: []string{"met", "met", "no baseline", "no baseline"},
		},
		{
			name:     "allocations only",
			run:      run(Scenario{Name: Orders, AllocationQueries: 100, Allocs: 30e3}, Scenario{Name: Home, AllocationQueries: 100, Allocs: 1}),
			baseline: &baseline,
			want:     []string{"not measured", "**missed**", "not measured", "not measured"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, target := range NewResults(tt.run, tt.baseline).Targets {
				got = append(got, target.Result)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("results %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRelativeTargetText(t *testing.T) {
	baseline := run(measured(Home, 6e6, 3e3))
	got := NewResults(run(measured(Home, 2.4e6, 1e3)), &baseline).Targets[2]
	want := Target{
		Target:   "`home`: instructions per query ≤ 50% of the baseline (≤ 3.00M)",
		Measured: "2.40M (40% of the baseline's 6.00M)",
		Result:   "met",
	}
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestSection(t *testing.T) {
	baseline := run(measured(Orders, 80e6, 80e3), measured(Anchor, 40e6, 40e3))
	same := true
	r := run(measured(Orders, 84.64e6, 77437), measured(Anchor, 42.3e6, 38e3))
	r.SameAnswer = &same
	s := Section(NewResults(r, &baseline))
	for _, want := range []string{
		Heading + "\n\n",
		"| orders | `p` | 84.6M | 77,437 | 1.0 KiB | 10 / 100 |",
		"2.0× the instructions, 2.0× the allocations, 1.0× the bytes",
		"in this run too the two answers were identical",
		"commit\n`0123456789ab`, measured on 2026-12-03 before the optimisations of issue 13 (make bench-cpu)",
		"| orders | 80.0M | 80,000 | 1.0 KiB | 106% | 97% |",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("section lacks %q:\n%s", want, s)
		}
	}
	if !strings.HasSuffix(s, ".\n\n") || strings.Count(s, "\n## ") != 0 {
		t.Errorf("section must end with a blank line and hold no other ## heading:\n%s", s)
	}
	if got := Section(nil); !strings.HasPrefix(got, Heading+"\n\nNot run") {
		t.Errorf("Section(nil) = %q", got)
	}
}

func TestSpliceMarkdown(t *testing.T) {
	section := Heading + "\n\nnew.\n\n"
	tests := []struct {
		name, doc, want string
	}{
		{
			name: "replaces the section",
			doc:  "# B\n\n## Memory\n\nm\n\n" + Heading + "\n\nold\n\n### Targets\n\nt\n\n## Micro-benchmarks\n\nx\n",
			want: "# B\n\n## Memory\n\nm\n\n" + section + "## Micro-benchmarks\n\nx\n",
		},
		{
			name: "replaces the last section",
			doc:  "# B\n\n" + Heading + "\n\nold\n",
			want: "# B\n\n" + section,
		},
		{
			name: "inserts before the micro-benchmarks",
			doc:  "# B\n\n## Memory\n\nm\n\n## Micro-benchmarks\n\nx\n",
			want: "# B\n\n## Memory\n\nm\n\n" + section + "## Micro-benchmarks\n\nx\n",
		},
		{
			name: "appends",
			doc:  "# B\n\ntext\n",
			want: "# B\n\ntext\n\n" + section,
		},
		{
			name: "a mention is not the heading",
			doc:  "# B\n\nsee " + Heading + " below\n",
			want: "# B\n\nsee " + Heading + " below\n\n" + section,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SpliceMarkdown(tt.doc, section); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestSpliceJSON(t *testing.T) {
	value := map[string]int{"n": 1}
	tests := []struct {
		name, doc, want string
	}{
		{
			name: "replaces in place",
			doc:  `{"b": [1, 2], "perQuery": {"old": true}, "a": "x"}`,
			want: "{\n  \"b\": [\n    1,\n    2\n  ],\n  \"perQuery\": {\n    \"n\": 1\n  },\n  \"a\": \"x\"\n}\n",
		},
		{
			name: "appends",
			doc:  `{"b": 1, "a": {"c": null}}`,
			want: "{\n  \"b\": 1,\n  \"a\": {\n    \"c\": null\n  },\n  \"perQuery\": {\n    \"n\": 1\n  }\n}\n",
		},
		{
			name: "empty object",
			doc:  `{}`,
			want: "{\n  \"perQuery\": {\n    \"n\": 1\n  }\n}\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SpliceJSON([]byte(tt.doc), ResultsKey, value)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	for _, bad := range []string{`[1]`, `{"a": }`, `{"a": 1`, ``} {
		if _, err := SpliceJSON([]byte(bad), ResultsKey, value); err == nil {
			t.Errorf("SpliceJSON(%q): no error", bad)
		}
	}
}

func TestReadWrite(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadResults(filepath.Join(dir, File)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing results: %v, want fs.ErrNotExist", err)
	}
	if r, err := ReadOptional(filepath.Join(dir, File), ReadResults); r != nil || err != nil {
		t.Errorf("optional missing results: %v, %v; want nil, nil", r, err)
	}
	if r, err := ReadOptional(filepath.Join(dir, BaselineFile), ReadRun); r != nil || err != nil {
		t.Errorf("optional missing baseline: %v, %v; want nil, nil", r, err)
	}
	baseline := run(measured(Home, 6e6, 3e3))
	want := NewResults(run(measured(Home, 3e6, 1e3)), &baseline)
	path := filepath.Join(dir, File)
	if err := WriteJSON(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadResults(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("read back\n%s\nwant\n%s", g, w)
	}
}

func TestThousands(t *testing.T) {
	tests := map[float64]string{0: "0", 999.4: "999", 1000: "1,000", 10_000: "10,000", 1_234_567.6: "1,234,568", -4321: "-4,321"}
	for v, want := range tests {
		if got := Thousands(v); got != want {
			t.Errorf("Thousands(%v) = %q, want %q", v, got, want)
		}
	}
}
