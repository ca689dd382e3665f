package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/ops"
)

// issuerName is the demo OIDC issuer's name in -ports and in the printed
// list; it listens one port below users (3000 by default).
const issuerName = "issuer"

// config is the parsed command line.
type config struct {
	host      string
	ports     map[string]int // per service and the issuer; 0 picks a free port
	faults    map[string]ops.Faults
	issuerURL string // externally visible issuer URL; "" means http://<listen address>
}

// parseConfig reads flags from args and DEMO_FAULTS from getenv. Faults in
// the -faults flag override those of DEMO_FAULTS service by service.
func parseConfig(args []string, getenv func(string) string, output io.Writer) (config, error) {
	fs := flag.NewFlagSet("demo-services", flag.ContinueOnError)
	fs.SetOutput(output)
	host := fs.String("addr-host", "127.0.0.1", "host or IP to listen on")
	basePort := fs.Int("base-port", 3001, "port of users; the others follow in order and the issuer takes the port below (0: free ports for all)")
	portSpec := fs.String("ports", "", "per-service port overrides, e.g. issuer=0,users=0,catalog=4002 (0: a free port)")
	issuerURL := fs.String("issuer-url", "", "externally visible URL of the issuer (iss of its tokens; default: http://<its listen address>)")
	faultSpec := fs.String("faults", "", "start-up faults, e.g. catalog=latency:5ms,error:0.1;orders=down (overrides DEMO_FAULTS)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *basePort < 0 || *basePort == 1 || *basePort+len(demo.Services()) > 65536 {
		return config{}, fmt.Errorf("-base-port %d out of range", *basePort)
	}

	c := config{host: *host, ports: map[string]int{}, faults: map[string]ops.Faults{}, issuerURL: *issuerURL}
	if *basePort != 0 {
		c.ports[issuerName] = *basePort - 1
		for i, s := range demo.Services() {
			c.ports[s.Name] = *basePort + i
		}
	}
	overrides, err := parsePorts(*portSpec)
	if err != nil {
		return config{}, err
	}
	maps.Copy(c.ports, overrides)

	for _, spec := range []string{getenv("DEMO_FAULTS"), *faultSpec} {
		faults, err := ops.ParseFaultSpec(spec)
		if err != nil {
			return config{}, fmt.Errorf("parse faults: %w", err)
		}
		for name := range faults {
			if _, ok := demo.DefaultPort(name); !ok {
				return config{}, fmt.Errorf("faults for unknown service %q", name)
			}
		}
		maps.Copy(c.faults, faults)
	}
	return c, nil
}

// parsePorts parses "name=port,…".
func parsePorts(spec string) (map[string]int, error) {
	out := map[string]int{}
	for entry := range strings.SplitSeq(spec, ",") {
		if entry = strings.TrimSpace(entry); entry == "" {
			continue
		}
		name, value, ok := strings.Cut(entry, "=")
		if !ok {
			return nil, fmt.Errorf("-ports entry %q: want name=port", entry)
		}
		if _, known := demo.DefaultPort(name); !known && name != issuerName {
			return nil, fmt.Errorf("-ports: unknown service %q", name)
		}
		port, err := strconv.Atoi(value)
		if err != nil || port < 0 || port > 65535 {
			return nil, fmt.Errorf("-ports: invalid port for %s", name)
		}
		out[name] = port
	}
	return out, nil
}
