package main

import (
	"testing"
)

// linkEnv is the environment of commands that issue links: the database, and the CiviCRM
// and link settings config.Load requires (no CiviCRM is contacted: links go to the outbox).
func linkEnv(t *testing.T) map[string]string {
	t.Helper()
	env := dbEnv(t)
	env["CIVIVOTE_CIVICRM_URL"] = "https://civicrm.example.org"
	env["CIVIVOTE_CIVICRM_API_KEY"] = "test-key"
	env["CIVIVOTE_PUBLIC_URL"] = "https://vote.example.org"
	env["CIVIVOTE_TOKEN_SECRET"] = testTokenSecret
	return env
}
