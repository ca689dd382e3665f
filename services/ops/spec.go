package ops

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseFaultSpec parses start-up faults for several services, as given to
// the demo binary's -faults flag or DEMO_FAULTS variable:
//
//	catalog=latency:5ms,jitter:1ms,error:0.1,down;orders=error:1
//
// Services are separated by ";" and knobs by ","; latency and jitter take Go
// durations in whole milliseconds, error a rate in [0, 1], and down an
// optional boolean ("down" alone means down:true). An empty spec yields an
// empty map.
func ParseFaultSpec(spec string) (map[string]Faults, error) {
	out := map[string]Faults{}
	for entry := range strings.SplitSeq(spec, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		name, knobs, ok := strings.Cut(entry, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("fault spec %q: want service=knob,…", entry)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("fault spec: service %q given twice", name)
		}
		f, err := parseKnobs(knobs)
		if err != nil {
			return nil, fmt.Errorf("fault spec for %s: %w", name, err)
		}
		out[name] = f
	}
	return out, nil
}

func parseKnobs(knobs string) (Faults, error) {
	var f Faults
	for knob := range strings.SplitSeq(knobs, ",") {
		knob = strings.TrimSpace(knob)
		if knob == "" {
			continue
		}
		key, value, hasValue := strings.Cut(knob, ":")
		var err error
		switch key = strings.TrimSpace(key); key {
		case "latency":
			f.LatencyMs, err = parseMillis(value)
		case "jitter":
			f.JitterMs, err = parseMillis(value)
		case "error":
			f.ErrorRate, err = strconv.ParseFloat(strings.TrimSpace(value), 64)
		case "down":
			f.Down = true
			if hasValue {
				f.Down, err = strconv.ParseBool(strings.TrimSpace(value))
			}
		default:
			return Faults{}, fmt.Errorf("unknown knob %q (want latency, jitter, error or down)", key)
		}
		if err != nil {
			return Faults{}, fmt.Errorf("knob %s: %w", key, err)
		}
	}
	if err := f.Validate(); err != nil {
		return Faults{}, err
	}
	return f, nil
}

func parseMillis(s string) (int64, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("parse duration: %w", err)
	}
	if d%time.Millisecond != 0 {
		return 0, fmt.Errorf("%v is not a whole number of milliseconds", d)
	}
	return d.Milliseconds(), nil
}
