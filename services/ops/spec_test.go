package ops_test

import (
	"reflect"
	"testing"

	"github.com/frontdesk/frontdesk/services/ops"
)

func TestParseFaultSpec(t *testing.T) {
	tests := []struct {
		name    string
		spec    string
		want    map[string]ops.Faults
		wantErr bool
	}{
		{name: "empty", spec: "", want: map[string]ops.Faults{}},
		{name: "all knobs", spec: "catalog=latency:5ms,jitter:1ms,error:0.1,down",
			want: map[string]ops.Faults{"catalog": {LatencyMs: 5, JitterMs: 1, ErrorRate: 0.1, Down: true}}},
		{name: "several services", spec: " catalog=latency:1s ; orders=down:false,error:1 ;",
			want: map[string]ops.Faults{"catalog": {LatencyMs: 1000}, "orders": {ErrorRate: 1}}},
		{name: "service without knobs", spec: "users=", want: map[string]ops.Faults{"users": {}}},
		{name: "missing =", spec: "catalog", wantErr: true},
		{name: "missing name", spec: "=down", wantErr: true},
		{name: "unknown knob", spec: "catalog=slow:5ms", wantErr: true},
		{name: "bad duration", spec: "catalog=latency:5", wantErr: true},
		{name: "sub-millisecond", spec: "catalog=latency:1500us", wantErr: true},
		{name: "negative latency", spec: "catalog=latency:-5ms", wantErr: true},
		{name: "error above 1", spec: "catalog=error:2", wantErr: true},
		{name: "bad down", spec: "catalog=down:maybe", wantErr: true},
		{name: "duplicate service", spec: "catalog=down;catalog=error:1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ops.ParseFaultSpec(tt.spec)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseFaultSpec(%q) = %v, want error", tt.spec, got)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseFaultSpec(%q) = %v, %v; want %v", tt.spec, got, err, tt.want)
			}
		})
	}
}
