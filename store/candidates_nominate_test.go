package store_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
)

func candWords(n int) string { return strings.TrimSpace(strings.Repeat("union ", n)) }

func candNomination(position string, statementWords int) election.Nomination {
	return election.Nomination{PositionKey: position, Statement: candWords(statementWords)}
}

func (env *candEnv) nominate(v *election.Voter, n election.Nomination, now time.Time) election.Candidate {
	env.t.Helper()
	c, err := env.db.Nominate(env.ctx, v, n, now)
	if err != nil {
		env.t.Fatalf("nominate %d for %s: %v", v.ContactID, n.PositionKey, err)
	}
	return c
}

func wantCandErr(t *testing.T, err, kind error, contains string) {
	t.Helper()
	if !errors.Is(err, kind) || !strings.Contains(err.Error(), contains) {
		t.Fatalf("err = %v; want %v containing %q", err, kind, contains)
	}
}

func TestNominateStoresPendingCandidateWithRegisteredName(t *testing.T) {
	env := newCandEnv(t)
	v := env.member(101, "Ann Organiser", true)
	v.Name = "stale name"
	c := env.nominate(v, election.Nomination{PositionKey: "treasurer", Statement: "I keep the books.\r\n\r\n\r\nVote for me.",
		CoOfficership: true}, duringNominations)
	if c.ID == 0 || c.Name != "Ann Organiser" || c.Status != election.Pending || !c.CoOfficershipConsent ||
		c.Statement != "I keep the books.\n\nVote for me." {
		t.Fatalf("candidate = %+v", c)
	}
	got, err := env.db.MemberCandidacies(env.ctx, v.Election.ID, 101)
	if err != nil || len(got) != 1 || got[0] != c {
		t.Fatalf("MemberCandidacies = %+v, %v; want [%+v]", got, err, c)
	}
	actor, details := env.lastAudit(store.ActionCandidateNominated)
	if actor != "member:101" || details["position"] != "treasurer" || details["statement_words"] != float64(7) {
		t.Errorf("audit = %s %v", actor, details)
	}
	if _, ok := details["statement"]; ok {
		t.Error("the audit log copies the statement")
	}
}

func TestNominateSecondPositionRefused(t *testing.T) {
	env := newCandEnv(t)
	v := env.member(101, "Ann", true)
	env.nominate(v, candNomination("treasurer", 10), duringNominations)
	_, err := env.db.Nominate(env.ctx, v, candNomination("secretary", 10), duringNominations)
	wantCandErr(t, err, election.ErrConflict, "You are already standing for Treasurer, and each member may stand for only one position")
	if n := countRows(t, env.db, `SELECT COUNT(*) FROM candidates WHERE contact_id = 101`); n != 1 {
		t.Errorf("%d nominations stored; want 1", n)
	}
}

func TestNominateStatementWordLimit(t *testing.T) {
	env := newCandEnv(t)
	v := env.member(101, "Ann", true)
	_, err := env.db.Nominate(env.ctx, v, candNomination("secretary", 301), duringNominations)
	var fe *election.FormError
	if !errors.As(err, &fe) || fe.Field("statement") != "Your statement has 301 words; the limit is 300. Shorten it by 1 word." {
		t.Fatalf("301 words: err = %v; want the statement's word count refused", err)
	}
	if n := countRows(t, env.db, `SELECT COUNT(*) FROM candidates`); n != 0 {
		t.Fatalf("a refused nomination stored %d rows", n)
	}
	if c := env.nominate(v, candNomination("secretary", 300), duringNominations); election.CountWords(c.Statement) != 300 {
		t.Errorf("300 words stored as %d", election.CountWords(c.Statement))
	}
}

func TestNominateLapsedMemberRefused(t *testing.T) {
	env := newCandEnv(t)
	// The link still says in good standing; the database knows better.
	v := env.member(101, "Ann", false)
	_, err := env.db.Nominate(env.ctx, v, candNomination("secretary", 10), duringNominations)
	wantCandErr(t, err, election.ErrWrongState, "your membership is not in good standing")
	if !strings.Contains(err.Error(), "contact your membership administrator") {
		t.Errorf("the message does not say what to do: %v", err)
	}
}

func TestNominateOutsideWindowRefused(t *testing.T) {
	t.Run("before open", func(t *testing.T) {
		env := newCandEnv(t)
		v := env.member(101, "Ann", true)
		_, err := env.db.Nominate(env.ctx, v, candNomination("secretary", 10), time.Date(2022, 12, 26, 23, 59, 0, 0, time.UTC))
		wantCandErr(t, err, election.ErrWindowClosed, "Nominations are not open yet. They open on ")
		if !strings.Contains(err.Error(), "27 December 2022") {
			t.Errorf("the message does not say when: %v", err)
		}
	})
	t.Run("after close", func(t *testing.T) {
		env := newCandEnv(t)
		v := env.member(101, "Ann", true)
		// The scheduler has not moved the election on yet: the clock alone closes it.
		_, err := env.db.Nominate(env.ctx, v, candNomination("secretary", 10), time.Date(2023, 1, 31, 23, 59, 0, 0, time.UTC))
		wantCandErr(t, err, election.ErrWindowClosed, "Nominations closed on ")
		if !strings.Contains(err.Error(), "31 January 2023") {
			t.Errorf("the message does not say when: %v", err)
		}
	})
	t.Run("state closed", func(t *testing.T) {
		env := newCandEnv(t)
		v := env.member(101, "Ann", true)
		env.advance()
		_, err := env.db.Nominate(env.ctx, v, candNomination("secretary", 10), duringNominations)
		wantCandErr(t, err, election.ErrWindowClosed, "Nominations closed on ")
	})
}

func TestNominateAgainEditsAndGoesBackToPending(t *testing.T) {
	env := newCandEnv(t)
	v := env.member(101, "Ann", true)
	first := env.nominate(v, candNomination("treasurer", 10), duringNominations)
	if err := env.db.AcceptCandidate(env.ctx, candSlug, first.ID, "test", duringNominations); err != nil {
		t.Fatal(err)
	}
	edited := env.nominate(v, election.Nomination{PositionKey: "treasurer", Statement: "New words.", CoOfficership: true},
		duringNominations.Add(time.Hour))
	if edited.ID != first.ID || edited.Status != election.Pending || edited.Statement != "New words." || !edited.CoOfficershipConsent {
		t.Fatalf("edited = %+v; want candidate %d pending with the new statement", edited, first.ID)
	}
	_, details := env.lastAudit(store.ActionCandidateUpdated)
	if details["previous_status"] != "accepted" {
		t.Errorf("audit = %v", details)
	}
	if _, pub, err := env.db.PublicCandidates(env.ctx, candSlug); err != nil || len(pub) != 0 {
		t.Errorf("PublicCandidates after the edit = %v, %v; want none until accepted again", pub, err)
	}
}

func TestWithdrawThenNominateElsewhere(t *testing.T) {
	env := newCandEnv(t)
	v := env.member(101, "Ann", true)
	env.nominate(v, candNomination("treasurer", 10), duringNominations)
	if err := env.db.Withdraw(env.ctx, v, "treasurer", duringNominations); err != nil {
		t.Fatal(err)
	}
	wantCandErr(t, env.db.Withdraw(env.ctx, v, "treasurer", duringNominations), election.ErrConflict, "already withdrawn")
	wantCandErr(t, env.db.Withdraw(env.ctx, v, "secretary", duringNominations), election.ErrNotFound, "You have no nomination for Secretary")
	c := env.nominate(v, candNomination("secretary", 10), duringNominations)
	own, err := env.db.MemberCandidacies(env.ctx, v.Election.ID, 101)
	if err != nil {
		t.Fatal(err)
	}
	var active []string
	for _, o := range own {
		if o.Active() {
			active = append(active, o.PositionKey)
		}
	}
	if c.PositionKey != "secretary" || fmt.Sprint(active) != "[secretary]" || len(own) != 2 {
		t.Errorf("candidacies = %+v; want treasurer withdrawn and secretary standing", own)
	}
	// And back to the first position: its withdrawn row is reused.
	if err := env.db.Withdraw(env.ctx, v, "secretary", duringNominations); err != nil {
		t.Fatal(err)
	}
	again := env.nominate(v, candNomination("treasurer", 5), duringNominations)
	if again.Status != election.Pending || candCount(t, env, `SELECT COUNT(*) FROM candidates`) != 2 {
		t.Errorf("renominating: %+v", again)
	}
	env.advance()
	wantCandErr(t, env.db.Withdraw(env.ctx, v, "treasurer", duringNominations), election.ErrWindowClosed, "Nominations closed")
}

func candCount(t *testing.T, env *candEnv, q string) int { t.Helper(); return countRows(t, env.db, q) }

func TestNominateDeclarationsRequired(t *testing.T) {
	env := newCandEnv(t)
	v := env.member(101, "Ann", true)
	_, err := env.db.Nominate(env.ctx, v, election.Nomination{PositionKey: "equalities", Statement: "Hi.", Declarations: []bool{false}}, duringNominations)
	wantCandErr(t, err, election.ErrInvalid, "To stand for Equalities Officer you must confirm")
	c := env.nominate(v, election.Nomination{PositionKey: "equalities", Statement: "Hi.", Declarations: []bool{true}}, duringNominations)
	var decl string
	if err := env.db.SQL().QueryRowContext(env.ctx, `SELECT declarations FROM candidates WHERE id = ?`, c.ID).Scan(&decl); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(decl, "I self-define as FINT") {
		t.Errorf("declarations stored = %s", decl)
	}
}

// TestConcurrentNominationsOneStands sends 50 nominations by one member for different
// positions at once: one_position_per_member must leave exactly one standing.
func TestConcurrentNominationsOneStands(t *testing.T) {
	env := newCandEnv(t)
	v := env.member(101, "Ann", true)
	positions := []string{"secretary", "treasurer", "board"}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		ok        int
		conflicts int
		others    []error
	)
	start := make(chan struct{})
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := env.db.Nominate(env.ctx, v, candNomination(positions[i%len(positions)], 10), duringNominations)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, election.ErrConflict):
				conflicts++
			default:
				others = append(others, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(others) > 0 {
		t.Fatalf("unexpected errors: %v", others)
	}
	standing := countRows(t, env.db, `SELECT COUNT(*) FROM candidates WHERE contact_id = 101 AND status IN ('pending', 'accepted')`)
	rows := countRows(t, env.db, `SELECT COUNT(*) FROM candidates WHERE contact_id = 101`)
	if standing != 1 || rows != 1 || ok+conflicts != 50 || conflicts == 0 {
		t.Errorf("standing = %d, rows = %d, ok = %d, conflicts = %d; want exactly one nomination standing", standing, rows, ok, conflicts)
	}
}
