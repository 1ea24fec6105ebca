package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

// demoConfig is the configuration the demo runs with.
type demoConfig struct {
	env   env               // what the demo's own commands read
	admin string            // the admin token, printed for the dashboard
	vars  map[string]string // the demo's own values, written to the env file for other commands
}

// demoEnv is the configuration the demo runs with: the user's environment for the database
// and logging, and the demo's own values for everything that must point at the fake.
func demoEnv(e env, fakeURL, addr string) (demoConfig, error) {
	secret, err := randomToken(48)
	if err != nil {
		return demoConfig{}, err
	}
	admin, err := randomToken(24)
	if err != nil {
		return demoConfig{}, err
	}
	forced := map[string]string{
		"CIVIVOTE_CIVICRM_URL":                  fakeURL,
		"CIVIVOTE_CIVICRM_API_KEY":              civicrmtest.AdminKey,
		"CIVIVOTE_CIVICRM_ORG_CONTACT_ID":       "4",          // "Test Union" on the fake
		"CIVIVOTE_CIVICRM_OFFICER_RELATIONSHIP": "Officer of", // the fake's relationship type 11
		"CIVIVOTE_PUBLIC_URL":                   "http://" + addr,
		"CIVIVOTE_LISTEN_ADDR":                  addr,
		"CIVIVOTE_TOKEN_SECRET":                 secret,
		"CIVIVOTE_ADMIN_TOKEN":                  admin,
		"CIVIVOTE_SYNC_SCHEDULE":                "0 * * * *",
		"CIVIVOTE_LIFECYCLE_SCHEDULE":           "@every 10s",
		"CIVIVOTE_OUTBOX_SCHEDULE":              "@every 2s",
		"CIVIVOTE_HELP_CONTACT":                 "the demo election committee at elections@example.org",
	}
	defaults := map[string]string{"CIVIVOTE_LOG_FORMAT": "console", "CIVIVOTE_LOG_LEVEL": "warn"}
	get := e.getenv
	e.getenv = func(k string) string {
		if v, ok := forced[k]; ok {
			return v
		}
		if base, ok := strings.CutSuffix(k, "_FILE"); ok && forced[base] != "" {
			return "" // a *_FILE variable must not override the demo's value
		}
		if v := get(k); v != "" {
			return v
		}
		return defaults[k]
	}
	vars := map[string]string{}
	for k, v := range forced {
		if k != "CIVIVOTE_LISTEN_ADDR" { // another command must not try the demo's port
			vars[k] = v
		}
	}
	for _, k := range []string{"CIVIVOTE_MYSQL_DSN", "CIVIVOTE_MYSQL_DSN_FILE"} {
		if v := get(k); v != "" {
			vars[k] = v
		}
	}
	vars["CIVIVOTE_LOG_LEVEL"] = "warn"
	return demoConfig{env: e, admin: admin, vars: vars}, nil
}

// writeEnvFile writes the demo's configuration as shell assignments to a private
// temporary file, so that other civivote commands (letters, tally, writeback --verify)
// can be run against the demo from another terminal while it runs. The caller removes it.
func (c demoConfig) writeEnvFile() (string, error) {
	f, err := os.CreateTemp("", "civivote-demo-*.env") // mode 0600: it holds the link secret
	if err != nil {
		return "", fmt.Errorf("the demo's configuration file for other commands: %w", err)
	}
	var b strings.Builder
	b.WriteString("# civivote demo: its configuration, for other civivote commands while the demo runs.\n")
	b.WriteString("# Use: (set -a; . THIS_FILE; civivote COMMAND ...). Removed when the demo stops.\n")
	for _, k := range slices.Sorted(maps.Keys(c.vars)) {
		fmt.Fprintf(&b, "%s=%s\n", k, shellQuote(c.vars[k]))
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", f.Name(), err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
