package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store/storetest"
)

func TestChallengesCommands(t *testing.T) {
	env := linkEnv(t)
	src, err := os.ReadFile(futureElection(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "challenged.yaml")
	if err := os.WriteFile(path, append(src, "\nchallenged_ballots: true\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, "election", "apply", "-f", path)
	const slug = "wise-ra-2023"
	ctx := context.Background()
	db := storetest.OpenDSN(t, env["CIVIVOTE_MYSQL_DSN"])
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	if out := mustRun(t, env, "challenges", "list", slug); out != "No challenged ballots in "+slug+".\n" {
		t.Errorf("empty list: %q", out)
	}

	// A link for a contact the roster does not know; none for a member on the roll.
	out := mustRun(t, env, "challenges", "link", slug, "7")
	prefix := "https://vote.example.org/c/" + slug + "/"
	i := strings.Index(out, prefix)
	if i < 0 || !strings.Contains(out, "(not on the roll)") {
		t.Fatalf("link output: %q", out)
	}
	tok := strings.Fields(out[i+len(prefix):])[0]
	if id, err := election.ParseChallengeToken([]byte(testTokenSecret), slug, tok); err != nil || id != 7 {
		t.Errorf("printed token names contact %d (%v), want 7", id, err)
	}
	e, err := db.GetElection(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2023, 1, 10, 12, 0, 0, 0, time.UTC)
	exec(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at) VALUES (8, 'Ona Roll', TRUE, ?, ?)`, at, at)
	exec(`INSERT INTO voters (election_id, contact_id, issued_at) VALUES (?, 8, ?)`, e.ID, at)
	if _, _, err := runForTest(t, env, "challenges", "link", slug, "8"); err == nil || !strings.Contains(err.Error(), "tokens reissue "+slug+" 8") {
		t.Errorf("link for a member on the roll: %v", err)
	}

	// Two open challenges, as casting leaves them, ruled from the command line.
	exec(`UPDATE elections SET state = ? WHERE id = ?`, string(election.VotingOpen), e.ID)
	exec(`INSERT INTO challenged_ballots (election_id, contact_id, off_roll, reason, choices, receipt_code, status, created_at)
		VALUES (?, 7, 'not_on_roll', 'joined at the\nbranch meeting', '{}', 'AAAAA-BBBBB-CCCCC', 'open', ?),
		       (?, 9, 'lapsed', 'paid late', '{}', 'DDDDD-EEEEE-FFFFF', 'open', ?)`, e.ID, at, e.ID, at)
	list := mustRun(t, env, "challenges", "list", slug)
	for _, want := range []string{"ID", "OFF THE ROLL", "not_on_roll", "joined at the branch meeting", "open", "2023-01-10 12:00"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	var acceptID, rejectID string
	for _, line := range strings.Split(list, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[1] == "7" {
			acceptID = f[0]
		} else if len(f) > 1 && f[1] == "9" {
			rejectID = f[0]
		}
	}
	if _, _, err := runForTest(t, env, "challenges", "accept", slug, acceptID); exitCode(err) != 2 || !strings.Contains(err.Error(), "--reason is required") {
		t.Errorf("accept without a reason: %v", err)
	}
	if _, _, err := runForTest(t, env, "challenges", "accept", slug, "x", "--reason", "r"); exitCode(err) != 2 {
		t.Errorf("accept of a non-id: %v", err)
	}
	if out := mustRun(t, env, "challenges", "accept", slug, acceptID, "--reason", "membership confirmed"); !strings.Contains(out, "joins the count") {
		t.Errorf("accept: %q", out)
	}
	if out := mustRun(t, env, "challenges", "reject", slug, "--reason", "lapsed in 2022", rejectID); !strings.Contains(out, "destroyed") {
		t.Errorf("reject: %q", out)
	}
	if _, _, err := runForTest(t, env, "challenges", "reject", slug, acceptID, "--reason", "again"); err == nil || !strings.Contains(err.Error(), "rulings are final") {
		t.Errorf("second ruling: %v", err)
	}
	var counted int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM ballots WHERE receipt_code = 'AAAAA-BBBBB-CCCCC'`).Scan(&counted); err != nil || counted != 1 {
		t.Errorf("accepted ballot counted %d times (%v)", counted, err)
	}
	if out, _, err := runForTest(t, nil, "challenges", "--help"); err != nil || !strings.Contains(out, "link SLUG CONTACT") {
		t.Errorf("--help: %v %q", err, out)
	}
	if _, _, err := runForTest(t, nil, "challenges", "frobnicate"); exitCode(err) != 2 || !strings.Contains(err.Error(), "say list, accept, reject or link") {
		t.Errorf("unknown verb: %v", err)
	}
}
