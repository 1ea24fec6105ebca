package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
)

func TestAcceptRejectByState(t *testing.T) {
	env := newCandEnv(t)
	ann := env.nominate(env.member(101, "Ann", true), candNomination("treasurer", 10), duringNominations)
	bob := env.nominate(env.member(102, "Bob", true), candNomination("secretary", 10), duringNominations)
	cat := env.member(103, "Cat", true)
	catC := env.nominate(cat, candNomination("board", 10), duringNominations)

	if err := env.db.AcceptCandidate(env.ctx, candSlug, ann.ID, "api:admin", duringNominations); err != nil {
		t.Fatal(err)
	}
	actor, details := env.lastAudit(store.ActionCandidateAccepted)
	if actor != "api:admin" || details["candidate"] != float64(ann.ID) || details["previous_status"] != "pending" {
		t.Errorf("audit = %s %v", actor, details)
	}
	wantCandErr(t, env.db.RejectCandidate(env.ctx, candSlug, bob.ID, "  ", "cli", duringNominations),
		election.ErrInvalid, "give the reason for rejecting Bob")
	if err := env.db.RejectCandidate(env.ctx, candSlug, bob.ID, "Not a member of the region.", "cli", duringNominations); err != nil {
		t.Fatal(err)
	}
	if _, details := env.lastAudit(store.ActionCandidateRejected); details["reason"] != "Not a member of the region." {
		t.Errorf("rejection audit = %v", details)
	}
	own, err := env.db.MemberCandidacies(env.ctx, env.election().ID, 102)
	if err != nil || len(own) != 1 || own[0].Status != election.Rejected || own[0].RejectionReason != "Not a member of the region." {
		t.Errorf("Bob sees %+v, %v; want rejected with the reason", own, err)
	}
	if err := env.db.Withdraw(env.ctx, cat, "board", duringNominations); err != nil {
		t.Fatal(err)
	}
	wantCandErr(t, env.db.AcceptCandidate(env.ctx, candSlug, catC.ID, "cli", duringNominations), election.ErrConflict, "has withdrawn")
	wantCandErr(t, env.db.AcceptCandidate(env.ctx, candSlug, 9999, "cli", duringNominations), election.ErrNotFound,
		"`civivote candidates list cand-test` shows")
	wantCandErr(t, env.db.AcceptCandidate(env.ctx, "nope", ann.ID, "cli", duringNominations), election.ErrNotFound, "there is no election")

	// After the close the committee may still decide, until voting opens.
	env.advance()
	if err := env.db.AcceptCandidate(env.ctx, candSlug, bob.ID, "cli", duringNominations); err != nil {
		t.Errorf("accepting after the close: %v", err)
	}
	env.advance() // voting_open
	wantCandErr(t, env.db.RejectCandidate(env.ctx, candSlug, ann.ID, "Too late.", "cli", duringNominations), election.ErrWrongState,
		"only between nominations opening and voting opening")
	list, err := env.db.Candidates(env.ctx, candSlug)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range list {
		got = append(got, fmt.Sprintf("%s:%s:%s", c.PositionKey, c.Name, c.Status))
	}
	// Definition order: secretary, treasurer, equalities, board.
	if want := "[secretary:Bob:accepted treasurer:Ann:accepted board:Cat:withdrawn]"; fmt.Sprint(got) != want {
		t.Errorf("Candidates = %v; want %s", got, want)
	}
}

func TestDecisionAfterCloseRefixesSeats(t *testing.T) {
	env := newCandEnv(t)
	ann := env.nominate(env.member(101, "Ann", true), election.Nomination{PositionKey: "treasurer", Statement: "A.", CoOfficership: true}, duringNominations)
	bob := env.nominate(env.member(102, "Bob", true), election.Nomination{PositionKey: "treasurer", Statement: "B.", CoOfficership: true}, duringNominations)
	if err := env.db.AcceptCandidate(env.ctx, candSlug, ann.ID, "cli", duringNominations); err != nil {
		t.Fatal(err)
	}
	env.advance()
	if err := env.db.FixSeatsForTest(env.ctx, candSlug, duringNominations); err != nil {
		t.Fatal(err)
	}
	if got := env.seats()["treasurer"]; got != 1 {
		t.Fatalf("one accepted: %d seats; want 1", got)
	}
	if err := env.db.AcceptCandidate(env.ctx, candSlug, bob.ID, "cli:jo", duringNominations); err != nil {
		t.Fatal(err)
	}
	if got := env.seats()["treasurer"]; got != 2 {
		t.Fatalf("both accepted and consenting: %d seats; want 2", got)
	}
	if actor, _ := env.lastAudit(store.ActionSeatsFixed); actor != "cli:jo" {
		t.Errorf("seats re-fixed by %q; want the committee member who accepted", actor)
	}
	if err := env.db.RejectCandidate(env.ctx, candSlug, bob.ID, "Lapsed.", "cli", duringNominations); err != nil {
		t.Fatal(err)
	}
	if got := env.seats()["treasurer"]; got != 1 {
		t.Errorf("after rejecting one: %d seats; want 1", got)
	}
}

func TestPublicCandidatesShowsAcceptedOnly(t *testing.T) {
	env := newCandEnv(t)
	ids := map[string]int64{}
	for i, name := range []string{"Zoe", "Ann", "Bob", "Cat", "Dan"} {
		pos := "board"
		if name == "Dan" {
			pos = "secretary"
		}
		ids[name] = env.nominate(env.member(int64(101+i), name, true), candNomination(pos, 3), duringNominations).ID
	}
	for _, name := range []string{"Zoe", "Ann", "Dan"} {
		if err := env.db.AcceptCandidate(env.ctx, candSlug, ids[name], "cli", duringNominations); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.db.RejectCandidate(env.ctx, candSlug, ids["Bob"], "No.", "cli", duringNominations); err != nil {
		t.Fatal(err)
	}
	e, list, err := env.db.PublicCandidates(env.ctx, candSlug)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range list {
		got = append(got, c.PositionKey+":"+c.Name)
	}
	if want := "[secretary:Dan board:Ann board:Zoe]"; fmt.Sprint(got) != want || e.Definition.Slug != candSlug {
		t.Errorf("PublicCandidates = %v; want %s", got, want)
	}
	if _, _, err := env.db.PublicCandidates(env.ctx, "nope"); !isNotFound(err) {
		t.Errorf("unknown election: %v", err)
	}
}

func TestCandidateSummary(t *testing.T) {
	env := newCandEnv(t)
	a := env.nominate(env.member(101, "Ann", true), candNomination("treasurer", 3), duringNominations)
	env.nominate(env.member(102, "Bob", true), candNomination("treasurer", 3), duringNominations)
	if err := env.db.AcceptCandidate(env.ctx, candSlug, a.ID, "cli", duringNominations); err != nil {
		t.Fatal(err)
	}
	sum, err := env.db.CandidateSummary(env.ctx, env.election().ID)
	if err != nil {
		t.Fatal(err)
	}
	tr := sum["treasurer"]
	if tr.ByStatus[election.Accepted] != 1 || tr.ByStatus[election.Pending] != 1 || tr.FixedSeats != 0 || len(sum) != 4 {
		t.Errorf("summary = %+v", sum)
	}
	env.advance()
	if err := env.db.FixSeatsForTest(env.ctx, candSlug, duringNominations); err != nil {
		t.Fatal(err)
	}
	if sum, _ := env.db.CandidateSummary(env.ctx, env.election().ID); sum["board"].FixedSeats != 3 {
		t.Errorf("board fixed seats = %d; want 3", sum["board"].FixedSeats)
	}
}

func isNotFound(err error) bool { return errors.Is(err, election.ErrNotFound) }
