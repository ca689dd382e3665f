package main

import (
	"encoding/base64"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseMicro(t *testing.T) {
	out := `goos: linux
pkg: github.com/frontdesk/frontdesk/shared/loader
cpu: AMD EPYC
BenchmarkMapResults-2   	   43818	     27000 ns/op	   26123 B/op	     264 allocs/op
BenchmarkMapResults-2   	   43818	     29000 ns/op	   26125 B/op	     264 allocs/op
BenchmarkMapResults-2   	   43818	     28000 ns/op	   26124 B/op	     264 allocs/op
PASS
pkg: github.com/frontdesk/frontdesk/bff-web/internal/graph
BenchmarkOrders/loaders-2         	      88	  13784678 ns/op	 6271037 B/op	   85383 allocs/op
BenchmarkOrders/no-loaders-2      	      19	  56876364 ns/op	18151400 B/op	  170910 allocs/op
BenchmarkTimeOnly-2	100	5.5 ns/op
--- FAIL: BenchmarkBroken
`
	got, err := parseMicro(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []microResult{
		{Package: "github.com/frontdesk/frontdesk/shared/loader", Name: "BenchmarkMapResults", Runs: 3, NsPerOp: 28000, BytesPerOp: 26124, AllocsPerOp: 264},
		{Package: "github.com/frontdesk/frontdesk/bff-web/internal/graph", Name: "BenchmarkOrders/loaders", Runs: 1, NsPerOp: 13784678, BytesPerOp: 6271037, AllocsPerOp: 85383},
		{Package: "github.com/frontdesk/frontdesk/bff-web/internal/graph", Name: "BenchmarkOrders/no-loaders", Runs: 1, NsPerOp: 56876364, BytesPerOp: 18151400, AllocsPerOp: 170910},
		{Package: "github.com/frontdesk/frontdesk/bff-web/internal/graph", Name: "BenchmarkTimeOnly", Runs: 1, NsPerOp: 5.5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseMicro =\n%+v\nwant\n%+v", got, want)
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want float64
	}{
		{"none", nil, 0},
		{"one", []float64{3}, 3},
		{"odd, unsorted", []float64{9, 1, 5}, 5},
		{"even", []float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := median(tt.xs); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.xs, got, tt.want)
			}
		})
	}
}

func TestDefaultInt(t *testing.T) {
	doc := "query Home($recent: Int = 3, $featured: Int! = 6) { me { id } }"
	for variable, want := range map[string]int{"recent": 3, "featured": 6} {
		if got, err := defaultInt(doc, variable); err != nil || got != want {
			t.Errorf("defaultInt(%s) = %d, %v; want %d", variable, got, err, want)
		}
	}
	if _, err := defaultInt(doc, "missing"); err == nil {
		t.Error("defaultInt of an undeclared variable succeeded")
	}
}

func TestDistinct(t *testing.T) {
	got := distinct([]string{"b", "a", "b", "c", "a"})
	if want := []string{"b", "a", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("distinct = %v, want %v", got, want)
	}
}

func TestClaims(t *testing.T) {
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"usr_0196","roles":["admin","support"],"azp":"web-admin","aud":["frontdesk-web"]}`))
	got, err := claims("header." + payload + ".signature")
	want := identity{Subject: "usr_0196", Roles: []string{"admin", "support"}, ClientID: "web-admin"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("claims = %+v, %v; want %+v", got, err, want)
	}
	for _, bad := range []string{"not-a-jwt", "a.!!!.c", "a." + base64.RawURLEncoding.EncodeToString([]byte(`{"roles":[]}`)) + ".c"} {
		if _, err := claims(bad); err == nil {
			t.Errorf("claims(%q) succeeded", bad)
		}
	}
}

func TestReadMemory(t *testing.T) {
	m, err := readMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.HWM <= 0 {
		t.Errorf("readMemory = %+v, want positive sizes", m)
	}
}
