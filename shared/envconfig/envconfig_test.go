package envconfig

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

type inner struct {
	Timeout time.Duration `env:"TIMEOUT" envDefault:"2s"`
}

type sample struct {
	Addr  string   `env:"ADDR" envDefault:":8080"`
	Count int      `env:"COUNT" envDefault:"3"`
	Names []string `env:"NAMES"`
	Token string   `env:"TOKEN" secret:"true"`
	Inner inner
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    sample
		wantErr string
	}{
		{name: "defaults", want: sample{Addr: ":8080", Count: 3, Inner: inner{Timeout: 2 * time.Second}}},
		{name: "overrides", env: map[string]string{"ADDR": ":9", "COUNT": "7", "TIMEOUT": "1ms"},
			want: sample{Addr: ":9", Count: 7, Inner: inner{Timeout: time.Millisecond}}},
		{name: "bad int", env: map[string]string{"COUNT": "many"}, wantErr: `field "Count"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got sample
			err := Load(&got, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want mention of %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEffective(t *testing.T) {
	got := Effective(sample{Addr: ":1", Count: 2, Names: []string{"a", "b"}, Token: "hunter2", Inner: inner{Timeout: 1500 * time.Millisecond}})
	want := map[string]string{"ADDR": ":1", "COUNT": "2", "NAMES": "a,b", "TOKEN": "(set)", "TIMEOUT": "1.5s"}
	if len(got) != len(want) {
		t.Fatalf("Effective = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Effective[%s] = %q, want %q", k, got[k], v)
		}
	}
}
