package config

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestRateLimitDefaults(t *testing.T) {
	cfg, err := Load(getenv(validEnv()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		got  Rate
		want Rate
	}{
		{"LINK_LIMIT_PER_CLIENT", cfg.LinkLimitPerClient, Rate{20, 10 * time.Minute}},
		{"LINK_LIMIT_GLOBAL", cfg.LinkLimitGlobal, Rate{600, time.Minute}},
		{"AUTH_LIMIT_PER_CLIENT", cfg.AuthLimitPerClient, Rate{10, 10 * time.Minute}},
		{"AUTH_LIMIT_GLOBAL", cfg.AuthLimitGlobal, Rate{100, 10 * time.Minute}},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if len(cfg.TrustedProxyPrefixes()) != 0 {
		t.Errorf("trusted proxies by default: %v", cfg.TrustedProxyPrefixes())
	}
	shown := map[string]string{}
	for _, s := range cfg.Redacted() {
		shown[s.Name] = s.Value
	}
	if shown["CIVIVOTE_LINK_LIMIT_PER_CLIENT"] != "20/10m" || shown["CIVIVOTE_LINK_LIMIT_GLOBAL"] != "600/1m" {
		t.Errorf("redacted dump shows %q and %q, want 20/10m and 600/1m",
			shown["CIVIVOTE_LINK_LIMIT_PER_CLIENT"], shown["CIVIVOTE_LINK_LIMIT_GLOBAL"])
	}
}

func TestRateLimitVariables(t *testing.T) {
	env := validEnv()
	env["CIVIVOTE_LINK_LIMIT_PER_CLIENT"] = "5/1h"
	env["CIVIVOTE_TRUSTED_PROXIES"] = "127.0.0.1, 10.0.0.0/8,::1,10.1.2.3/8"
	cfg, err := Load(getenv(env))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.LinkLimitPerClient != (Rate{5, time.Hour}) {
		t.Errorf("LINK_LIMIT_PER_CLIENT = %v", cfg.LinkLimitPerClient)
	}
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("10.0.0.0/8")}
	got := cfg.TrustedProxyPrefixes()
	if len(got) != len(want) {
		t.Fatalf("proxies = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("proxy %d = %v, want %v", i, got[i], want[i])
		}
	}

	env["CIVIVOTE_LINK_LIMIT_PER_CLIENT"] = "twenty"
	env["CIVIVOTE_LINK_LIMIT_GLOBAL"] = "0/1m"
	env["CIVIVOTE_AUTH_LIMIT_GLOBAL"] = "5/1ms"
	env["CIVIVOTE_TRUSTED_PROXIES"] = "10.0.0.1,proxy.example.org"
	_, err = Load(getenv(env))
	if err == nil {
		t.Fatal("bad limits accepted")
	}
	for _, want := range []string{
		"CIVIVOTE_LINK_LIMIT_PER_CLIENT must be N/DURATION, e.g. 20/10m",
		"CIVIVOTE_LINK_LIMIT_GLOBAL must allow at least 1 event",
		"CIVIVOTE_AUTH_LIMIT_GLOBAL must be per at least 1s",
		`CIVIVOTE_TRUSTED_PROXIES has "proxy.example.org"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// A token given as sha256:HEX is the same credential as the token itself, so a deployment
// can keep only the hash in its environment.
func TestBearerTokenGivenAsItsHash(t *testing.T) {
	const token = "a-committee-token-of-good-length-42"
	sum := sha256.Sum256([]byte(token))
	plain, err := ParseBearerToken(token)
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{"sha256:" + hex.EncodeToString(sum[:]), "sha256:" + strings.ToUpper(hex.EncodeToString(sum[:]))} {
		hashed, err := ParseBearerToken(form)
		if err != nil {
			t.Fatalf("%s: %v", form, err)
		}
		if hashed != plain {
			t.Errorf("%s gives a different digest from the token itself", form)
		}
	}
	if _, err := ParseBearerToken("sha256:" + hex.EncodeToString(sum[:31])); err == nil {
		t.Error("a 31-byte hash was accepted")
	}
}
