package ratelimit

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Rules name limits: plan tiers ("free", "pro", "anonymous") or mutation
// fields ("placeOrder", "*" for every other mutation). In the environment
// they are written "name:rate/period[:burst]" separated by commas, e.g.
// "free:100/1m,pro:1000/1m:2000"; burst defaults to rate.
type Rules map[string]Limit

// UnmarshalText parses the environment form.
func (r *Rules) UnmarshalText(text []byte) error {
	out := Rules{}
	for entry := range strings.SplitSeq(string(text), ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		name, spec, ok := strings.Cut(entry, ":")
		if !ok || name == "" {
			return fmt.Errorf("rate limit %q: want name:rate/period[:burst]", entry)
		}
		l, err := parseLimit(spec)
		if err != nil {
			return fmt.Errorf("rate limit %q: %w", entry, err)
		}
		if _, dup := out[name]; dup {
			return fmt.Errorf("rate limit %q: %s is named twice", entry, name)
		}
		out[name] = l
	}
	*r = out
	return nil
}

func parseLimit(spec string) (Limit, error) {
	rate, rest, ok := strings.Cut(spec, "/")
	if !ok {
		return Limit{}, errors.New("want rate/period")
	}
	period, burst, hasBurst := strings.Cut(rest, ":")
	var l Limit
	var err error
	if l.Rate, err = strconv.Atoi(rate); err != nil || l.Rate < 1 {
		return Limit{}, errors.New("rate must be a positive integer")
	}
	if l.Period, err = time.ParseDuration(period); err != nil || l.Period <= 0 {
		return Limit{}, errors.New("period must be a positive duration such as 1m")
	}
	l.Burst = l.Rate
	if hasBurst {
		if l.Burst, err = strconv.Atoi(burst); err != nil || l.Burst < 1 {
			return Limit{}, errors.New("burst must be a positive integer")
		}
	}
	return l, nil
}

// String writes r in the environment form, sorted by name.
func (r Rules) String() string {
	parts := make([]string, 0, len(r))
	for _, name := range slices.Sorted(maps.Keys(r)) {
		l := r[name]
		s := fmt.Sprintf("%s:%d/%s", name, l.Rate, shortDuration(l.Period))
		if l.Burst != l.Rate {
			s += ":" + strconv.Itoa(l.Burst)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// shortDuration writes 1m rather than 1m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(s, "0m")
}

// The policy names RATE_LIMIT_FAIL_CLOSED accepts.
const (
	PolicyTiers     = "tiers"
	PolicyMutations = "mutations"
)

// AnonymousTier is the tier of callers without a token; DefaultTier the tier
// of tokens without a (known) tier claim.
const (
	AnonymousTier = "anonymous"
	DefaultTier   = "free"
)

// Config is a BFF's rate-limit policy, read from the environment. Tiers and
// Mutations default per BFF (bff.Defaults).
type Config struct {
	// Enabled turns rate limiting on.
	Enabled bool `env:"RATE_LIMIT_ENABLED" envDefault:"true" json:"enabled"`
	// Tiers is the budget of each caller (keyed by token subject, or client
	// IP when anonymous) per plan tier: the token's tier claim, "anonymous"
	// without a token. Must name anonymous and free.
	Tiers Rules `env:"RATE_LIMIT_TIERS" json:"tiers"`
	// Mutations are stricter budgets per mutation field, on top of the
	// tier budget; "*" applies to every mutation not named.
	Mutations Rules `env:"RATE_LIMIT_MUTATIONS" json:"mutations"`
	// Cost makes every operation spend its computed complexity from the tier
	// budget instead of 1 (GitHub-style points); tier rates are then points.
	Cost bool `env:"RATE_LIMIT_COST" envDefault:"false" json:"cost"`
	// FailClosed names the policies ("tiers", "mutations") that answer 503
	// while Redis cannot answer; the others fail open to the instance's
	// in-memory limiter.
	FailClosed []string `env:"RATE_LIMIT_FAIL_CLOSED" json:"failClosed"`
	// TrustedProxies are the CIDRs of proxies whose X-Forwarded-For names
	// the client of an anonymous request; from any other peer the header is
	// ignored.
	TrustedProxies []string `env:"TRUSTED_PROXIES" json:"trustedProxies"`
}

// Validate checks c.
func (c Config) Validate() error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	for _, tier := range []string{AnonymousTier, DefaultTier} {
		if _, ok := c.Tiers[tier]; !ok {
			errs = append(errs, fmt.Errorf("RATE_LIMIT_TIERS must name %s", tier))
		}
	}
	for _, p := range c.FailClosed {
		if p != PolicyTiers && p != PolicyMutations {
			errs = append(errs, fmt.Errorf("RATE_LIMIT_FAIL_CLOSED: unknown policy %q (want %s or %s)", p, PolicyTiers, PolicyMutations))
		}
	}
	if _, err := c.trusted(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c Config) trusted() ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(c.TrustedProxies))
	for _, s := range c.TrustedProxies {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			addr, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("TRUSTED_PROXIES: %q is not an address or CIDR", s)
			}
			out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is not an address or CIDR", s)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (c Config) failMode(policy string) FailMode {
	if slices.Contains(c.FailClosed, policy) {
		return FailClosed
	}
	return FailOpen
}
