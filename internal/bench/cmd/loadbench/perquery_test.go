package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/internal/bench/perquery"
)

// TestReportIncludesPerQuery checks that the report carries cpubench's
// results, when they are there, in results.json and as the page's section
// before the micro-benchmarks.
func TestReportIncludesPerQuery(t *testing.T) {
	for _, ran := range []bool{true, false} {
		dir := t.TempDir()
		if ran {
			res := perquery.NewResults(perquery.Run{Commit: "abc", Scenarios: []perquery.Scenario{
				{Name: perquery.Orders, Title: "orders", Process: "bff-web", InstructionQueries: 20, Instructions: 84e6},
			}}, nil)
			if err := perquery.WriteJSON(filepath.Join(dir, perquery.File), res); err != nil {
				t.Fatal(err)
			}
		}
		cfg := config{out: dir, doc: filepath.Join(dir, "benchmarks.md"), rounds: 1, clients: 1}
		if err := (&report{}).write(cfg); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(dir, "results.json"))
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		if _, ok := got[perquery.ResultsKey]; ok != ran {
			t.Errorf("cpubench ran %v: results.json has %q: %v", ran, perquery.ResultsKey, ok)
		}
		md, err := os.ReadFile(cfg.doc)
		if err != nil {
			t.Fatal(err)
		}
		page := string(md)
		section, micro := strings.Index(page, "\n"+perquery.Heading+"\n"), strings.Index(page, "\n## Micro-benchmarks\n")
		if section < 0 || micro < section {
			t.Errorf("cpubench ran %v: the section is missing or after the micro-benchmarks:\n%s", ran, page)
		}
		if ran != strings.Contains(page, "| orders | `bff-web` | 84.0M |") {
			t.Errorf("cpubench ran %v: the section's table:\n%s", ran, page)
		}
		// What cpubench splices in alone is what the report renders.
		if again := perquery.SpliceMarkdown(page, perquery.Section(reread(t, dir))); again != page {
			t.Errorf("cpubench ran %v: splicing the section again changes the page", ran)
		}
	}
}

func reread(t *testing.T, dir string) *perquery.Results {
	t.Helper()
	r, err := perquery.ReadOptional(filepath.Join(dir, perquery.File), perquery.ReadResults)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
