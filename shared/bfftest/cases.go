package bfftest

import (
	"cmp"
	"maps"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/shared/auth"
)

// Case is one resolver test: a request and the exact answer it must get.
type Case struct {
	Name      string
	Anonymous bool // send the request without a token
	// As, when set, is the caller instead of the kit's default (Subject, Roles).
	As    *auth.Principal
	Query string
	Vars  map[string]any
	// Want is the exact JSON response; empty compares with the golden file
	// testdata/<name with spaces as underscores>.golden.json instead.
	Want string
	// Status is the HTTP status the answer must have; 0 means 200.
	Status int
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
			if tc.As != nil {
				kit.As(tc.As.Subject, tc.As.Roles...)
			}
			if tc.Anonymous {
				kit.Anonymous()
			}
			resp := kit.Post(t, tc.Query, tc.Vars)
			if want := cmp.Or(tc.Status, http.StatusOK); resp.Status != want {
				t.Errorf("status = %d, want %d", resp.Status, want)
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
