package config

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Rate is a limit written N/DURATION, e.g. 20/10m: N events, then one more every
// DURATION/N.
type Rate struct {
	N   int
	Per time.Duration
}

// UnmarshalText reads N/DURATION; the env library calls it.
func (r *Rate) UnmarshalText(b []byte) error {
	n, per, ok := strings.Cut(strings.TrimSpace(string(b)), "/")
	if !ok {
		return fmt.Errorf("want N/DURATION such as 20/10m, got %q", b)
	}
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil {
		return fmt.Errorf("want N/DURATION such as 20/10m, got %q", b)
	}
	d, err := time.ParseDuration(strings.TrimSpace(per))
	if err != nil {
		return fmt.Errorf("want N/DURATION such as 20/10m, got %q", b)
	}
	r.N, r.Per = count, d
	return nil
}

// String writes the rate back as N/DURATION, without zero units: 20/10m, 600/1m.
func (r Rate) String() string {
	d := r.Per.String()
	if strings.HasSuffix(d, "m0s") {
		d = strings.TrimSuffix(d, "0s")
	}
	if strings.HasSuffix(d, "h0m") {
		d = strings.TrimSuffix(d, "0m")
	}
	return fmt.Sprintf("%d/%s", r.N, d)
}

// check says what is wrong with r, or "".
func (r Rate) check() string {
	switch {
	case r.N < 1:
		return fmt.Sprintf("must allow at least 1 event, got %s", r)
	case r.Per < time.Second:
		return fmt.Sprintf("must be per at least 1s, got %s", r)
	}
	return ""
}

// TrustedProxyPrefixes returns CIVIVOTE_TRUSTED_PROXIES as prefixes (a bare address is
// its own /32 or /128). Load has already checked every entry.
func (c *Config) TrustedProxyPrefixes() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(c.TrustedProxies))
	for _, s := range c.TrustedProxies {
		if p, err := parseProxy(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func parseProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
