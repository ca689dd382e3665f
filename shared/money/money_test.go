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
		{"unknown currency", New(123456, "CHF"), "1,234.56 CHF"},
		{"thousands", New(732094, "USD"), "$7,320.94"},
		{"millions", New(123456789, "USD"), "$1,234,567.89"},
		{"exactly one thousand", New(100000, "USD"), "$1,000.00"},
		{"negative thousands", New(-100000, "USD"), "-$1,000.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Formatted(); got != tt.want {
				t.Errorf("Formatted() = %q, want %q", got, tt.want)
			}
		})
	}
}
