package config

import (
	"strings"
	"testing"
	"time"
)

// The recovery timings (leases, outbox claims and retries) default to what a production
// site wants and refuse values that would deliver a write twice or never.
func TestRecoveryTimingsDefaultsAndLimits(t *testing.T) {
	cfg, err := Load(getenv(validEnv()))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.LeaseTTL != time.Minute || cfg.OutboxClaimTTL != 10*time.Minute ||
		cfg.OutboxRetryMin != 10*time.Second || cfg.OutboxRetryMax != 30*time.Minute {
		t.Errorf("defaults: lease %s, claim %s, retry %s to %s", cfg.LeaseTTL, cfg.OutboxClaimTTL, cfg.OutboxRetryMin, cfg.OutboxRetryMax)
	}
	env := validEnv()
	env["CIVIVOTE_LEASE_TTL"] = "1s"
	env["CIVIVOTE_CIVICRM_TIMEOUT"] = "30s"
	env["CIVIVOTE_OUTBOX_CLAIM_TTL"] = "20s"
	env["CIVIVOTE_OUTBOX_RETRY_MIN"] = "5s"
	env["CIVIVOTE_OUTBOX_RETRY_MAX"] = "2s"
	_, err = Load(getenv(env))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"CIVIVOTE_LEASE_TTL must be a duration from 3s to 1h, e.g. 1m, got 1s",
		"CIVIVOTE_OUTBOX_CLAIM_TTL must be at least 5s and longer than CIVIVOTE_CIVICRM_TIMEOUT (30s)",
		"CIVIVOTE_OUTBOX_RETRY_MAX must be at least CIVIVOTE_OUTBOX_RETRY_MIN (5s)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("lacks %q:\n%v", want, err)
		}
	}
	env = validEnv()
	env["CIVIVOTE_LEASE_TTL"] = "3s"
	env["CIVIVOTE_CIVICRM_TIMEOUT"] = "2s"
	env["CIVIVOTE_OUTBOX_CLAIM_TTL"] = "5s"
	env["CIVIVOTE_OUTBOX_RETRY_MIN"] = "1s"
	env["CIVIVOTE_OUTBOX_RETRY_MAX"] = "1s"
	if cfg, err := Load(getenv(env)); err != nil || cfg.OutboxClaimTTL != 5*time.Second || cfg.LeaseTTL != 3*time.Second {
		t.Errorf("short timings for tests: %v", err)
	}
	var help strings.Builder
	if err := WriteHelp(&help); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CIVIVOTE_LEASE_TTL  (default 1m)", "CIVIVOTE_OUTBOX_CLAIM_TTL  (default 10m)",
		"CIVIVOTE_OUTBOX_RETRY_MIN  (default 10s)", "CIVIVOTE_OUTBOX_RETRY_MAX  (default 30m)"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}
}
