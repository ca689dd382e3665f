package money

import "testing"

func TestFormatted(t *testing.T) {
	tests := []struct {
		name string
		in   Money
		want string
	}{
		{"dollars and cents", New(1999, "USD"), "$19.99"},
		{"single-digit cents", New(105, "USD"), "$1.05"},
		{"zero", New(0, "USD"), "$0.00"},
		{"negative", New(-500, "EUR"), "-€5.00"},
		{"unknown currency", New(123456, "CHF"), "1234.56 CHF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Formatted(); got != tt.want {
				t.Errorf("Formatted() = %q, want %q", got, tt.want)
			}
		})
	}
}
