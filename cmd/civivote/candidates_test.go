package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// nominees opens wise-ra-2023 for nominations with three members on its roll, who
// nominate themselves through the store as their links would, and returns their
// candidate ids: Ann and Bob for treasurer (both consenting), Cat for casework.
func nominees(t *testing.T, env map[string]string) (db *store.DB, ann, bob, cat int64) {
	t.Helper()
	mustRun(t, env, "election", "apply", "-f", electionFixture(t, "wise-ra-2023.yaml"))
	ctx := context.Background()
	db = storetest.OpenDSN(t, env["CIVIVOTE_MYSQL_DSN"])
	at := time.Date(2023, 1, 10, 12, 0, 0, 0, time.UTC)
	names := map[int64]string{1: "Ann Archer", 2: "Bob Baker", 3: "Cat Cooper"}
	for id, name := range names {
		if _, err := db.SQL().ExecContext(ctx, `
			INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at)
			VALUES (?, ?, TRUE, ?, ?)`, id, name, at, at); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, env, "election", "advance", "wise-ra-2023", "--reason", "nominations open")
	el, err := db.GetElection(ctx, "wise-ra-2023")
	if err != nil {
		t.Fatal(err)
	}
	nominate := func(id int64, pos, statement string) int64 {
		// The store is asked directly: links are for the roll's tests, and the fixture's
		// dates are long past for `election advance`, which issues links at the real time.
		if _, err := db.SQL().ExecContext(ctx, `
			INSERT IGNORE INTO voters (election_id, contact_id, generation, issued_at) VALUES (?, ?, 0, ?)`,
			el.ID, id, at); err != nil {
			t.Fatal(err)
		}
		v := &election.Voter{Election: &el.Election, ContactID: id, Name: names[id], InGoodStanding: true}
		c, err := db.Nominate(ctx, v, election.Nomination{PositionKey: pos, Statement: statement, CoOfficership: pos == "treasurer"}, at)
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	return db, nominate(1, "treasurer", "I keep accounts.\n\nI answer email within a day."),
		nominate(2, "treasurer", "Branch treasurer for six years."),
		nominate(3, "casework-coordinator", "Rep trained.")
}

func TestCandidatesListAcceptReject(t *testing.T) {
	env := linkEnv(t)
	_, ann, bob, cat := nominees(t, env)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	list := mustRun(t, env, "candidates", "list", "wise-ra-2023")
	if !strings.HasPrefix(list, "ID  POSITION") {
		t.Errorf("candidates list has no table header:\n%s", list)
	}
	if f := strings.Fields(tableRow(list, id(ann))); strings.Join(f, " ") != id(ann)+" treasurer Ann Archer pending yes 9" {
		t.Errorf("Ann's row = %q", f)
	}
	if f := strings.Fields(tableRow(list, id(cat))); strings.Join(f, " ") != id(cat)+" casework-coordinator Cat Cooper pending no 2" {
		t.Errorf("Cat's row = %q", f)
	}
	if strings.Contains(list, "I answer email") {
		t.Errorf("list without --statements prints statements:\n%s", list)
	}

	if out := mustRun(t, env, "candidates", "accept", "wise-ra-2023", id(ann), id(bob)); out != "accepted: candidate "+id(ann)+"\naccepted: candidate "+id(bob)+"\n" {
		t.Errorf("accept printed %q", out)
	}
	_, _, err := runForTest(t, env, "candidates", "reject", "wise-ra-2023", id(cat))
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "--reason is required") {
		t.Errorf("reject without a reason: exit %d, %v", exitCode(err), err)
	}
	if out := mustRun(t, env, "candidates", "reject", "wise-ra-2023", id(cat), "--reason", "Not  a member\nof the region."); out != "rejected: candidate "+id(cat)+"\n" {
		t.Errorf("reject printed %q", out)
	}

	list = mustRun(t, env, "candidates", "list", "wise-ra-2023", "--statements")
	if row := tableRow(list, id(cat)); !strings.Contains(row, "rejected") || !strings.HasSuffix(row, "Not a member of the region.") {
		t.Errorf("Cat's row after rejection = %q", row)
	}
	for _, want := range []string{
		"— " + id(ann) + ": Ann Archer for Treasurer (accepted)", "I keep accounts.\n\nI answer email within a day."} {
		if !strings.Contains(list, want) {
			t.Errorf("candidates list --statements lacks %q:\n%s", want, list)
		}
	}

	_, _, err = runForTest(t, env, "candidates", "accept", "wise-ra-2023", "99999")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "has no candidate 99999") || !strings.Contains(err.Error(), "candidates list wise-ra-2023") {
		t.Errorf("accepting an unknown id: exit %d, %v", exitCode(err), err)
	}
	_, _, err = runForTest(t, env, "candidates", "accept", "wise-ra-2023", "seven")
	if exitCode(err) != 2 || !strings.Contains(err.Error(), `"seven" is not a candidate id`) {
		t.Errorf("accepting a non-number: exit %d, %v", exitCode(err), err)
	}

	// The close of nominations fixes the seats: both treasurer candidates consent.
	mustRun(t, env, "election", "advance", "wise-ra-2023", "--reason", "nominations close")
	show := mustRun(t, env, "election", "show", "wise-ra-2023")
	for _, want := range []string{"treasurer                        0 / 2 / 0 / 0   seats: 2 fixed",
		"casework-coordinator             0 / 0 / 1 / 0   seats: 1 fixed"} {
		if !strings.Contains(show, want) {
			t.Errorf("election show lacks %q:\n%s", want, show)
		}
	}
	// Voting opens: decisions are over.
	mustRun(t, env, "election", "advance", "wise-ra-2023", "--reason", "voting opens")
	_, _, err = runForTest(t, env, "candidates", "reject", "wise-ra-2023", id(ann), "--reason", "late")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "only between nominations opening and voting opening") {
		t.Errorf("rejecting after voting opened: exit %d, %v", exitCode(err), err)
	}
}

// tableRow returns the line of a table that starts with the id, or "".
func tableRow(table, id string) string {
	for _, line := range strings.Split(table, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == id {
			return line
		}
	}
	return ""
}

func TestCandidatesHelpAndUsageMistakes(t *testing.T) {
	for _, sub := range []string{"list", "accept", "reject"} {
		out, _, err := runForTest(t, nil, "candidates", sub, "--help")
		if err != nil || !strings.HasPrefix(out, "Usage: civivote candidates "+sub) {
			t.Errorf("candidates %s --help = %q, %v", sub, out, err)
		}
	}
	if out, _, err := runForTest(t, nil, "candidates", "--help"); err != nil || !strings.Contains(out, "reject SLUG ID --reason TEXT") {
		t.Errorf("candidates --help = %q, %v", out, err)
	}
	for _, args := range [][]string{
		{"candidates"},
		{"candidates", "approve", "x"},
		{"candidates", "list"},
		{"candidates", "accept", "wise-ra-2023"},
		{"candidates", "reject", "wise-ra-2023", "1", "2", "--reason", "r"},
		{"candidates", "list", "wise-ra-2023", "--bogus"},
	} {
		if _, _, err := runForTest(t, nil, args...); exitCode(err) != 2 {
			t.Errorf("civivote %s: exit %d (%v); want 2", strings.Join(args, " "), exitCode(err), err)
		}
	}
}
