package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// dump is a callgrind dump as callgrind_control --dump writes it (cut).
const dump = `# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 24311
cmd:  bin/bff-web
part: 1

desc: Trigger: Client Request: orders

positions: line
events: Ir
summary: 411433397

ob=(1) /tmp/bin/bff-web
fl=(1) /usr/local/go/src/runtime/proc.go
fn=(1) runtime.main
290 5
totals: 411433535
`

func TestParseTotal(t *testing.T) {
	tests := []struct {
		name, dump string
		want       int64
		wantErr    error
	}{
		{"summary", dump, 411433397, nil},
		{"totals only", strings.Replace(dump, "summary: 411433397\n", "", 1), 411433535, nil},
		{"Ir second", strings.NewReplacer("events: Ir", "events: Dr Ir", "summary: 411433397", "summary: 7 411433397").Replace(dump), 411433397, nil},
		{"being written", strings.Split(dump, "totals:")[0], 0, errIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTotal(strings.NewReader(tt.dump))
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("parseTotal = %d, %v; want %d, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
	if _, err := parseTotal(strings.NewReader(strings.Replace(dump, "events: Ir", "events: Dr", 1))); err == nil {
		t.Error("a dump without Ir: no error")
	}
}

func TestDumps(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"cg.7", "cg.7.10", "cg.7.2", "cg.7.1", "cg.8.3", "cg.7.x", "vgdb-fifo"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := callgrind{dir: dir}.dumps(7)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "cg.7.1"), filepath.Join(dir, "cg.7.2"), filepath.Join(dir, "cg.7.10")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dumps = %q, want %q", got, want)
	}
}

func TestCallgrindArgs(t *testing.T) {
	got := callgrind{dir: "/tmp/x"}.args("bin/bff-web")
	want := []string{"--tool=callgrind", "--callgrind-out-file=/tmp/x/cg.%p", "--vgdb-prefix=/tmp/x/vgdb", "bin/bff-web"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("args = %q, want %q", got, want)
	}
}

func TestParseAllocs(t *testing.T) {
	metrics := `# HELP go_memstats_alloc_bytes Number of bytes allocated in heap and currently in use.
# TYPE go_memstats_alloc_bytes gauge
go_memstats_alloc_bytes 1.2e+07
# HELP go_memstats_alloc_bytes_total Total number of bytes allocated in heap until now, even if released already.
# TYPE go_memstats_alloc_bytes_total counter
go_memstats_alloc_bytes_total 5.23718792e+09
go_memstats_mallocs_total 7.7437031e+07 1733241600000
go_memstats_frees_total 7.7e+07
`
	got, err := parseAllocs(strings.NewReader(metrics))
	if err != nil {
		t.Fatal(err)
	}
	if want := (allocCounters{Mallocs: 77437031, Bytes: 5237187920}); got != want {
		t.Errorf("parseAllocs = %+v, want %+v", got, want)
	}
	for name, bad := range map[string]string{
		"missing":   "go_memstats_alloc_bytes_total 1\n",
		"not a num": "go_memstats_alloc_bytes_total 1\ngo_memstats_mallocs_total x\n",
	} {
		if _, err := parseAllocs(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseConfig(t *testing.T) {
	c, err := parseConfig([]string{"-bin", "b", "-scenarios", "home,typename", "-orders", "5"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.anchor != filepath.Join("b", "bench-anchor") || !reflect.DeepEqual(c.only, []string{"home", "typename"}) || c.orders != 5 || c.home != 50 {
		t.Errorf("config %+v", c)
	}
	for _, args := range [][]string{
		{"-scenarios", "home,nope"},
		{"-orders", "0"},
		{"-alloc-factor", "0"},
		{"extra"},
	} {
		if _, err := parseConfig(args, io.Discard); err == nil {
			t.Errorf("parseConfig(%q): no error", args)
		}
	}
}
