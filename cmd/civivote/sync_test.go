package main

import (
	"context"
	"strings"
	"testing"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/store/storetest"
)

// syncEnv is a complete configuration against a fresh database and the given fake CiviCRM.
func syncEnv(t *testing.T, fake *civicrmtest.Server) map[string]string {
	t.Helper()
	return map[string]string{
		"CIVIVOTE_MYSQL_DSN":       storetest.NewDatabase(t),
		"CIVIVOTE_CIVICRM_URL":     fake.URL(),
		"CIVIVOTE_CIVICRM_API_KEY": civicrmtest.AdminKey,
		"CIVIVOTE_PUBLIC_URL":      "https://vote.example.org",
		"CIVIVOTE_TOKEN_SECRET":    testTokenSecret,
		"CIVIVOTE_LOG_LEVEL":       "warn",
	}
}

func membersInGoodStanding(t *testing.T, dsn string) int {
	t.Helper()
	var n int
	if err := storetest.OpenDSN(t, dsn).SQL().QueryRowContext(context.Background(),
		`SELECT COUNT(*) FROM members WHERE in_good_standing`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSyncCommandDryRunThenApplyThenGuard(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	env := syncEnv(t, fake)

	out, _, err := runForTest(t, env, "sync", "--dry-run")
	if err != nil {
		t.Fatalf("sync --dry-run: %v\n%s", err, out)
	}
	if n := membersInGoodStanding(t, env["CIVIVOTE_MYSQL_DSN"]); n != 0 {
		t.Errorf("a dry run wrote %d members", n)
	}
	if !strings.Contains(strings.ToLower(out), "dry") {
		t.Errorf("dry-run output does not say it was dry:\n%s", out)
	}

	out, _, err = runForTest(t, env, "sync")
	if err != nil {
		t.Fatalf("sync: %v\n%s", err, out)
	}
	if n := membersInGoodStanding(t, env["CIVIVOTE_MYSQL_DSN"]); n != 30 {
		t.Errorf("after the first sync %d members are in good standing, want the site's 30\n%s", n, out)
	}

	// Half the roll vanishes from CiviCRM at once: the guard must stop the run.
	for id := int64(5); id <= 19; id++ {
		if err := fake.TrashContact(id); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err = runForTest(t, env, "sync")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "civivote sync --force") {
		t.Fatalf("mass lapse: exit %d, err %v\n%s", exitCode(err), err, out)
	}
	if n := membersInGoodStanding(t, env["CIVIVOTE_MYSQL_DSN"]); n != 30 {
		t.Errorf("a stopped sync changed the roll to %d", n)
	}
	if _, _, err := runForTest(t, env, "sync", "--force"); err != nil {
		t.Fatalf("sync --force: %v", err)
	}
	if n := membersInGoodStanding(t, env["CIVIVOTE_MYSQL_DSN"]); n >= 30 {
		t.Errorf("sync --force did not lapse the trashed members (%d in good standing)", n)
	}

	out, _, err = runForTest(t, env, "roster", "show", "5")
	if err != nil || !strings.Contains(out, "may NOT vote") || !strings.Contains(out, "lapsed") {
		t.Errorf("roster show of a trashed member: %v\n%s", err, out)
	}
	out, _, err = runForTest(t, env, "roster", "override", "5", "--eligible", "--reason", "dues paid by cheque; CiviCRM not updated", "--until", "2099-12-31")
	if err != nil || !strings.Contains(out, "may vote") || !strings.Contains(out, "dues paid by cheque") {
		t.Errorf("roster override: %v\n%s", err, out)
	}
	if _, _, err := runForTest(t, env, "roster", "override", "5", "--eligible", "--until", "2099-12-31"); exitCode(err) != 2 {
		t.Errorf("override without a reason: exit %d (%v), want 2", exitCode(err), err)
	}
}
