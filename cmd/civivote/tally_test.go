package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// countedElection applies wise-ra-2023 with Ann (id returned first) and Bob standing for
// treasurer, Cat for casework, and nobody else; six members on the roll cast: Ann 2, Bob
// 2 (a tie), Cat 3 and one abstention on casework. Voting is still open.
func countedElection(t *testing.T, env map[string]string) (db *store.DB, ann, bob, cat int64) {
	t.Helper()
	mustRun(t, env, "election", "apply", "-f", electionFixture(t, "wise-ra-2023.yaml"))
	ctx := context.Background()
	db = storetest.OpenDSN(t, env["CIVIVOTE_MYSQL_DSN"])
	el, err := db.GetElection(ctx, "wise-ra-2023")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2023, 1, 10, 12, 0, 0, 0, time.UTC)
	exec := func(q string, args ...any) int64 {
		t.Helper()
		res, err := db.SQL().ExecContext(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		return id
	}
	cand := func(pos string, contact int64, name string) int64 {
		return exec(`INSERT INTO candidates (election_id, position_key, contact_id, display_name, statement, declarations,
			status, created_at, updated_at) VALUES (?, ?, ?, ?, '', '[]', 'accepted', ?, ?)`, el.ID, pos, contact, name, at, at)
	}
	ann, bob, cat = cand("treasurer", 901, "Ann Archer"), cand("treasurer", 902, "Bob <b>Baker</b>"), cand("casework-coordinator", 903, "Cat Cooper")
	for i := int64(1); i <= 6; i++ {
		exec(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at) VALUES (?, ?, TRUE, ?, ?)`,
			i, "Member "+strconv.FormatInt(i, 10), at, at)
		exec(`INSERT INTO voters (election_id, contact_id, issued_at) VALUES (?, ?, ?)`, el.ID, i, at)
	}
	exec(`UPDATE elections SET state = 'voting_open' WHERE id = ?`, el.ID)
	if el, err = db.GetElection(ctx, "wise-ra-2023"); err != nil {
		t.Fatal(err)
	}
	paper, err := db.BallotPaper(ctx, &el.Election)
	if err != nil {
		t.Fatal(err)
	}
	votes := []election.Choices{
		{"treasurer": {ann}, "casework-coordinator": {cat}},
		{"treasurer": {ann}, "casework-coordinator": {cat}},
		{"treasurer": {bob}, "casework-coordinator": {cat}},
		{"treasurer": {bob}},
	}
	castAt := time.Date(2023, 2, 10, 12, 0, 0, 0, time.UTC)
	for i, c := range votes {
		b, err := paper.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		v := &election.Voter{Election: &el.Election, ContactID: int64(i + 1), InGoodStanding: true}
		if _, err := db.CastBallot(ctx, v, b, castAt); err != nil {
			t.Fatal(err)
		}
	}
	return db, ann, bob, cat
}

func TestTallyResolvePublishAuditPurge(t *testing.T) {
	env := linkEnv(t)
	db, ann, bob, _ := countedElection(t, env)
	ctx := context.Background()
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	_, _, err := runForTest(t, env, "tally", "wise-ra-2023")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "the ballot box is not closed yet") {
		t.Fatalf("tally while voting is open: %v", err)
	}
	mustRun(t, env, "election", "advance", "wise-ra-2023", "--reason", "voting closed")
	out := mustRun(t, env, "tally", "wise-ra-2023")
	for _, want := range []string{
		"Ballots cast: 4 of 6 eligible (turnout 66.7%)",
		"Treasurer (treasurer) — 1 seat",
		"Bob <b>Baker</b>",
		"TIE: Ann Archer (" + id(ann) + "), Bob <b>Baker</b> (" + id(bob) + ") on 2 votes for 1 seat",
		"civivote tally wise-ra-2023 --resolve-tie treasurer --winner CANDIDATE_ID",
		"Cat Cooper",
		"elected",
		"abstentions",
		"1 tie to resolve before the results can be published",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tally lacks %q:\n%s", want, out)
		}
	}
	_, _, err = runForTest(t, env, "publish", "wise-ra-2023")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "nothing was published") || !strings.Contains(err.Error(), "Treasurer") {
		t.Errorf("publish with a tie: %v", err)
	}

	for _, args := range [][]string{
		{"tally", "wise-ra-2023", "--resolve-tie", "treasurer", "--winner", id(ann)},
		{"tally", "wise-ra-2023", "--resolve-tie", "treasurer", "--winner", "Ann", "--reason", "hat"},
		{"purge", "wise-ra-2023"},
		{"audit"},
	} {
		if _, _, err := runForTest(t, env, args...); exitCode(err) != 2 {
			t.Errorf("%q: exit %d (%v), want 2", args, exitCode(err), err)
		}
	}
	if _, _, err := runForTest(t, env, "tally", "wise-ra-2023", "--resolve-tie", "treasurer", "--winner", "99", "--reason", "hat"); err == nil ||
		!strings.Contains(err.Error(), "the draw was not recorded") || !strings.Contains(err.Error(), "is not in the tie") {
		t.Errorf("a winner outside the tie: %v", err)
	}
	out = mustRun(t, env, "tally", "wise-ra-2023", "--resolve-tie", "treasurer", "--winner", id(bob), "--reason", "Drawn from a hat by the chair")
	for _, want := range []string{"recorded: Bob <b>Baker</b> wins the draw for treasurer",
		"decided by lot: Bob <b>Baker</b>, from Ann Archer", "Ready to publish: civivote publish wise-ra-2023"} {
		if !strings.Contains(out, want) {
			t.Errorf("after the draw, tally lacks %q:\n%s", want, out)
		}
	}

	seed := make([]byte, 32)
	env["CIVIVOTE_RESULTS_SIGNING_KEY"] = base64.StdEncoding.EncodeToString(seed)
	out = mustRun(t, env, "publish", "wise-ra-2023")
	pub, err := db.Publication(ctx, "wise-ra-2023")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pub.ResultsJSON)
	for _, want := range []string{
		"published: wise-ra-2023, revision 1",
		"https://vote.example.org/elections/wise-ra-2023/results.json",
		"sha256 " + hex.EncodeToString(sum[:]),
		"sha256 " + hex.EncodeToString(pub.BallotsSHA256[:]),
		"ballots.json (4 ballots)",
		"results.json.sig (Ed25519, public key ",
		"turnout:        4 of 6 (66.7%)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("publish lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := runForTest(t, env, "election", "advance", "wise-ra-2023", "--reason", "on"); err == nil ||
		!strings.Contains(err.Error(), "civivote writeback wise-ra-2023") {
		t.Errorf("advance after publication: %v", err)
	}

	out = mustRun(t, env, "audit", "wise-ra-2023")
	for _, want := range []string{"election.created", "election.advanced", "tie.resolved", `"reason":"Drawn from a hat by the chair"`,
		"results.published", "cli"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lacks %q:\n%s", want, out)
		}
	}
	if all := mustRun(t, env, "audit", "--all"); !strings.Contains(all, "results.published") {
		t.Errorf("audit --all:\n%s", all)
	}

	_, _, err = runForTest(t, env, "purge", "wise-ra-2023", "--yes")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "must be kept until") {
		t.Errorf("purge within retention: %v", err)
	}
	if _, err := db.SQL().Exec(`UPDATE publications SET published_at = published_at - INTERVAL 400 DAY`); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, env, "purge", "wise-ra-2023", "--yes")
	for _, want := range []string{"purged: wise-ra-2023", "deleted: 6 roll entries", "kept:    4 anonymous ballots", "turnout: 4 of 6"} {
		if !strings.Contains(out, want) {
			t.Errorf("purge lacks %q:\n%s", want, out)
		}
	}
	if out := mustRun(t, env, "tally", "wise-ra-2023"); !strings.Contains(out, "Ballots cast: 4 of 6 eligible") {
		t.Errorf("tally after the purge:\n%s", out)
	}
}

func TestResultsCommandsHaveHelp(t *testing.T) {
	for cmd, want := range map[string]string{"tally": "--resolve-tie", "publish": "CIVIVOTE_RESULTS_SIGNING_KEY",
		"audit": "never\nrecords how anyone voted", "purge": "CIVIVOTE_RETENTION_DAYS"} {
		out, _, err := runForTest(t, nil, cmd, "--help")
		if err != nil || !strings.HasPrefix(out, "Usage: civivote "+cmd) || !strings.Contains(out, want) {
			t.Errorf("%s --help: %v\n%s", cmd, err, out)
		}
	}
}
