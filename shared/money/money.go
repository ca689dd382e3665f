// Package money holds amounts of money in minor units and formats them for display.
package money

import (
	"strconv"
	"strings"
)

// Money is an amount in a currency's minor unit, bound to the GraphQL Money type.
type Money struct {
	AmountCents int    `json:"amountCents"`
	Currency    string `json:"currency"`
}

// New returns cents of currency.
func New(cents int, currency string) Money { return Money{AmountCents: cents, Currency: currency} }

// symbols maps the currencies the demo uses to their display symbol.
var symbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£"}

// Formatted renders the amount for display: "$19.99", "$7,320.94", "-$5.00", or "19.99 CHF"
// for a currency without a known symbol. All supported currencies have two
// decimal places.
func (m Money) Formatted() string {
	cents := m.AmountCents
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	var b strings.Builder
	whole := strconv.Itoa(cents / 100)
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	b.WriteByte('.')
	if frac := cents % 100; frac < 10 {
		b.WriteByte('0')
		b.WriteString(strconv.Itoa(frac))
	} else {
		b.WriteString(strconv.Itoa(frac))
	}
	if sym, ok := symbols[m.Currency]; ok {
		return sign + sym + b.String()
	}
	return sign + b.String() + " " + m.Currency
}
