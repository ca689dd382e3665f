package bfftest

import (
	"maps"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// Case is one resolver test: a request and the exact answer it must get.
type Case struct {
	Name      string
	Anonymous bool // send the request without a caller
	Query     string
	Vars      map[string]any
	// Want is the exact JSON response; empty compares with the golden file
	// testdata/<name with spaces as underscores>.golden.json instead.
	Want string
	// WantCalls, when not nil, is the exact number of upstream calls per
	// service (services not listed must get none).
	WantCalls map[string]int64
}

// RunCases runs each case on a fresh kit from newKit; update rewrites the
// golden files (pass the test's -update flag).
func RunCases(t *testing.T, newKit func(testing.TB) *Kit, cases []Case, update bool) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			kit := newKit(t)
			if tc.Anonymous {
				kit.Anonymous()
			}
			resp := kit.Post(t, tc.Query, tc.Vars)
			if resp.Status != http.StatusOK {
				t.Errorf("status = %d, want 200", resp.Status)
			}
			if tc.Want != "" {
				AssertJSON(t, resp.Body, tc.Want)
			} else {
				AssertGolden(t, GoldenPath(tc.Name), resp.Body, update)
			}
			if tc.WantCalls != nil {
				if got := kit.CallsByService(); !maps.Equal(got, tc.WantCalls) {
					t.Errorf("upstream calls = %v, want %v", got, tc.WantCalls)
				}
			}
		})
	}
}

// GoldenPath is the golden file of the case named name.
func GoldenPath(name string) string {
	return filepath.Join("testdata", strings.ReplaceAll(name, " ", "_")+".golden.json")
}
