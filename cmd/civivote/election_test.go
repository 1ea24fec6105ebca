package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civivote/civivote/store/storetest"
)

// electionFixture returns the path of a shared election definition (/work/shared/elections).
func electionFixture(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "elections", name)
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("fixture %s: %v", name, err)
		}
		t.Skipf("fixture %s is not here (%v); it lives in ../shared/elections next to the repository", name, err)
	}
	return path
}

func dbEnv(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{"CIVIVOTE_MYSQL_DSN": storetest.NewDatabase(t), "CIVIVOTE_LOG_LEVEL": "warn"}
}

func electionRows(t *testing.T, dsn string) (elections, audits int) {
	t.Helper()
	db := storetest.OpenDSN(t, dsn).SQL()
	ctx := context.Background()
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM elections`).Scan(&elections); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'election.%'`).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	return elections, audits
}

func mustRun(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, stderr, err := runForTest(t, env, args...)
	if err != nil {
		t.Fatalf("civivote %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return out
}

func TestElectionApplyListShowAdvance(t *testing.T) {
	env := linkEnv(t)
	wise := electionFixture(t, "wise-ra-2023.yaml")
	wsn := electionFixture(t, "wsn-board-2024.yaml")

	if out := mustRun(t, env, "election", "apply", "-f", wise); !strings.HasPrefix(out, "created") {
		t.Errorf("first apply printed %q, want created", out)
	}
	if out := mustRun(t, env, "election", "apply", "-f", wise); !strings.HasPrefix(out, "unchanged — nothing to do") {
		t.Errorf("second apply printed %q, want unchanged — nothing to do", out)
	}
	mustRun(t, env, "election", "apply", "-f", wsn)
	if n, audits := electionRows(t, env["CIVIVOTE_MYSQL_DSN"]); n != 2 || audits != 2 {
		t.Errorf("%d elections and %d audit rows, want 2 and 2", n, audits)
	}

	list := mustRun(t, env, "election", "list")
	for _, want := range []string{"wise-ra-2023", "wsn-board-2024", "draft", "Wednesday 1 February 2023, 00:01 GMT", "PST"} {
		if !strings.Contains(list, want) {
			t.Errorf("election list lacks %q:\n%s", want, list)
		}
	}

	show := mustRun(t, env, "election", "show", "wsn-board-2024")
	for _, want := range []string{
		"state:               draft",
		"America/Vancouver",
		// Voting spans the spring-forward change: it opens in PST and closes in PDT.
		"Monday 4 March 2024, 09:00 PST",
		"Friday 15 March 2024, 17:00 PDT",
		"2024-03-16 00:00 UTC", // 17:00 PDT is UTC-7
		"board-at-large — Board of Directors (at large)",
		"seats: 5, tenure: 24 months",
		"declaration: I am currently in low-wage or precarious work.",
		"tenure starts:       Monday 1 April 2024",
	} {
		if !strings.Contains(show, want) {
			t.Errorf("election show lacks %q:\n%s", want, show)
		}
	}

	_, _, err := runForTest(t, env, "election", "advance", "wise-ra-2023")
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "--reason is required") {
		t.Errorf("advance without reason: exit %d, %v", exitCode(err), err)
	}
	if out := mustRun(t, env, "election", "advance", "wise-ra-2023", "--reason", "committee meeting 2022-12-20"); !strings.Contains(out, "now nominations open") {
		t.Errorf("advance printed %q", out)
	}
	if show := mustRun(t, env, "election", "show", "wise-ra-2023"); !strings.Contains(show, "state:               nominations open") {
		t.Errorf("show after advance:\n%s", show)
	}

	changed := filepath.Join(t.TempDir(), "wise.yaml")
	src, err := os.ReadFile(wise)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(changed, []byte(strings.Replace(string(src), "title: 2023 IWW", "title: Renamed 2023 IWW", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = runForTest(t, env, "election", "apply", "-f", changed)
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "nothing changed") ||
		!strings.Contains(err.Error(), "only while the election is a draft") || !strings.Contains(err.Error(), "civivote election advance") {
		t.Errorf("apply after nominations opened: exit %d, %v", exitCode(err), err)
	}
	if show := mustRun(t, env, "election", "show", "wise-ra-2023"); strings.Contains(show, "Renamed") {
		t.Errorf("a refused apply changed the title:\n%s", show)
	}
	if _, audits := electionRows(t, env["CIVIVOTE_MYSQL_DSN"]); audits != 3 {
		t.Errorf("%d election audit rows, want 3 (two created, one advanced)", audits)
	}

	_, _, err = runForTest(t, env, "election", "show", "no-such-election")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "civivote election list") {
		t.Errorf("show unknown: exit %d, %v", exitCode(err), err)
	}
}

func TestElectionApplyBadFileReportsEveryProblemAndChangesNothing(t *testing.T) {
	env := dbEnv(t)
	src, err := os.ReadFile(electionFixture(t, "wise-ra-2023.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(src), "statement_max_words: 300", "statement_max_words: 300\nballot_colour: red", 1)
	bad = strings.Replace(bad, "  opens: 2023-02-01T00:01", "  opens: 2023-01-15T00:00", 1)
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = runForTest(t, env, "election", "apply", "-f", path)
	if exitCode(err) != 1 {
		t.Fatalf("exit %d (%v), want 1", exitCode(err), err)
	}
	msg := err.Error()
	for _, want := range []string{path + ":14:1: ballot_colour is not a known field", path + ":10:10: voting.opens", "nothing changed"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if n, audits := electionRows(t, env["CIVIVOTE_MYSQL_DSN"]); n != 0 || audits != 0 {
		t.Errorf("a bad file left %d elections and %d audit rows", n, audits)
	}
}

func TestElectionSubcommandsHaveHelp(t *testing.T) {
	for _, sub := range []string{"apply", "list", "show", "advance"} {
		out, _, err := runForTest(t, nil, "election", sub, "--help")
		if err != nil || !strings.HasPrefix(out, "Usage: civivote election "+sub) {
			t.Errorf("election %s --help = %q, %v", sub, out, err)
		}
	}
}
