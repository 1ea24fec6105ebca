package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civivote/civivote/store/storetest"
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

// futureElection writes the wise-ra-2023 fixture moved 77 years on, so its windows are
// ahead of the real clock the commands use.
func futureElection(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(electionFixture(t, "wise-ra-2023.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.NewReplacer("2022-", "2099-", "2023-", "2100-").Replace(string(src))
	path := filepath.Join(t.TempDir(), "wise.yaml")
	if err := os.WriteFile(path, []byte(moved), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTokensIssueAndReissue(t *testing.T) {
	env := linkEnv(t)
	mustRun(t, env, "election", "apply", "-f", futureElection(t))
	db := storetest.OpenDSN(t, env["CIVIVOTE_MYSQL_DSN"]).SQL()
	for c := 1; c <= 3; c++ {
		if _, err := db.Exec(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at)
			VALUES (?, 'M', ?, NOW(), NOW())`, c, c != 3); err != nil {
			t.Fatal(err)
		}
	}

	out := mustRun(t, env, "tokens", "issue", "wise-ra-2023")
	if !strings.Contains(out, "2 links issued, 0 restored") || !strings.Contains(out, "through the outbox") {
		t.Errorf("tokens issue printed:\n%s", out)
	}
	var links int
	if err := db.QueryRow(`SELECT COUNT(*) FROM outbox WHERE kind = 'link'`).Scan(&links); err != nil || links != 2 {
		t.Errorf("%d link writes queued (%v), want 2", links, err)
	}
	if out := mustRun(t, env, "tokens", "issue", "wise-ra-2023"); !strings.Contains(out, "Nothing to do") {
		t.Errorf("second tokens issue printed:\n%s", out)
	}
	out = mustRun(t, env, "tokens", "reissue", "wise-ra-2023", "2")
	if !strings.Contains(out, "contact 2 has a new link") || !strings.Contains(out, "old link no longer works") {
		t.Errorf("tokens reissue printed:\n%s", out)
	}
	var gen int
	if err := db.QueryRow(`SELECT generation FROM voters WHERE contact_id = 2`).Scan(&gen); err != nil || gen != 1 {
		t.Errorf("contact 2's generation %d (%v), want 1", gen, err)
	}
	if _, _, err := runForTest(t, env, "tokens", "reissue", "wise-ra-2023", "3"); exitCode(err) != 1 ||
		!strings.Contains(err.Error(), "has no link") {
		t.Errorf("reissue for a member without a link: exit %d, %v", exitCode(err), err)
	}

	mustRun(t, env, "election", "apply", "-f", electionFixture(t, "wsn-board-2024.yaml"))
	if _, _, err := runForTest(t, env, "tokens", "issue", "wsn-board-2024"); exitCode(err) != 1 || !strings.Contains(err.Error(), "has closed") {
		t.Errorf("issue for a past election: exit %d, %v", exitCode(err), err)
	}
}

func TestTokensUsageMistakesExitTwo(t *testing.T) {
	env := linkEnv(t)
	for _, args := range [][]string{
		{"tokens"}, {"tokens", "mint"}, {"tokens", "issue"}, {"tokens", "reissue", "wise-ra-2023"},
		{"tokens", "reissue", "wise-ra-2023", "bob"}, {"tokens", "issue", "a", "b"},
	} {
		if _, _, err := runForTest(t, env, args...); exitCode(err) != 2 {
			t.Errorf("civivote %s: exit %d, %v; want 2", strings.Join(args, " "), exitCode(err), err)
		}
	}
	for _, args := range [][]string{{"tokens", "--help"}, {"tokens", "issue", "--help"}, {"tokens", "reissue", "--help"}} {
		out, _, err := runForTest(t, env, args...)
		if err != nil || !strings.Contains(out, "Usage: civivote tokens") {
			t.Errorf("civivote %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
