package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// candYAML is a small election with a plain position, two co-officership positions (one
// with a declaration) and a three-seat board. Nominations run from 27 December 2022 to
// 31 January 2023 23:59, London time (UTC in winter).
const candYAML = `slug: cand-test
title: Test Officer Elections
timezone: Europe/London
nominations: {opens: 2022-12-27T00:00, closes: 2023-01-31T23:59}
voting: {opens: 2023-02-01T00:01, closes: 2023-02-28T23:59}
tenure_starts: 2023-03-01
statement_max_words: 300
one_position_per_member: true
reopen_nominations: true
positions:
  - {key: secretary, title: Secretary, seats: 1, tenure_months: 24, co_officership: false}
  - {key: treasurer, title: Treasurer, seats: 1, tenure_months: 24, co_officership: true}
  - key: equalities
    title: Equalities Officer
    seats: 1
    tenure_months: 24
    co_officership: true
    declarations: ["I self-define as FINT, BAME, LGBTQ+, neurodiverse or disabled."]
  - {key: board, title: Board, seats: 3, tenure_months: 12, co_officership: false}
`

const candSlug = "cand-test"

// duringNominations is a moment inside the nominations window.
var duringNominations = time.Date(2023, 1, 10, 12, 0, 0, 0, time.UTC)

type candEnv struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
}

// newCandEnv gives the test a database of its own holding candYAML with nominations open.
func newCandEnv(t *testing.T) *candEnv {
	t.Helper()
	env := &candEnv{t: t, ctx: context.Background(), db: storetest.OpenDSN(t, storetest.NewDatabase(t))}
	if _, err := apply(t, env.db, []byte(candYAML)); err != nil {
		t.Fatal(err)
	}
	env.advance()
	return env
}

// advance moves the election one state on. It sets the state directly, without the
// lifecycle's entry effects (links, seats), so these tests see only what they do.
func (env *candEnv) advance() {
	env.t.Helper()
	next, ok := env.election().State.Next()
	if !ok {
		env.t.Fatal("the election has no next state")
	}
	if _, err := env.db.SQL().ExecContext(env.ctx, `UPDATE elections SET state = ? WHERE slug = ?`, string(next), candSlug); err != nil {
		env.t.Fatal(err)
	}
}

func (env *candEnv) election() *store.StoredElection {
	env.t.Helper()
	el, err := env.db.GetElection(env.ctx, candSlug)
	if err != nil {
		env.t.Fatal(err)
	}
	return el
}

// member puts a member on the roster and on the election's roll, and returns them as
// their personal link finds them.
func (env *candEnv) member(contact int64, name string, inGoodStanding bool) *election.Voter {
	env.t.Helper()
	el := env.election()
	if _, err := env.db.SQL().ExecContext(env.ctx, `
		INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?)`, contact, name, inGoodStanding, duringNominations, duringNominations); err != nil {
		env.t.Fatal(err)
	}
	if _, err := env.db.SQL().ExecContext(env.ctx, `
		INSERT INTO voters (election_id, contact_id, generation, issued_at) VALUES (?, ?, 0, ?)`,
		el.ID, contact, duringNominations); err != nil {
		env.t.Fatal(err)
	}
	return &election.Voter{Election: &el.Election, ContactID: contact, Name: name, InGoodStanding: true}
}

// candidate stores a candidate row directly, for tests of what happens after nominations.
func (env *candEnv) candidate(contact int64, name, position string, consent bool, status election.CandidateStatus) {
	env.t.Helper()
	el := env.election()
	if _, err := env.db.SQL().ExecContext(env.ctx, `
		INSERT INTO candidates (election_id, position_key, contact_id, display_name, statement, declarations,
		  co_officer_consent, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'A statement.', '[]', ?, ?, ?, ?)`,
		el.ID, position, contact, name, consent, string(status), duringNominations, duringNominations); err != nil {
		env.t.Fatal(err)
	}
}

// seats returns each position's fixed seats, 0 where none are fixed.
func (env *candEnv) seats() map[string]int {
	env.t.Helper()
	rows, err := env.db.SQL().QueryContext(env.ctx, `
		SELECT p.position_key, COALESCE(p.fixed_seats, 0) FROM positions p JOIN elections e ON e.id = p.election_id
		WHERE e.slug = ?`, candSlug)
	if err != nil {
		env.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			k string
			n int
		)
		if err := rows.Scan(&k, &n); err != nil {
			env.t.Fatal(err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		env.t.Fatal(err)
	}
	return out
}

// lastAudit returns the details of the latest audit entry with the action.
func (env *candEnv) lastAudit(action string) (actor string, details map[string]any) {
	env.t.Helper()
	var js string
	err := env.db.SQL().QueryRowContext(env.ctx, `
		SELECT actor, details FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1`, action).Scan(&actor, &js)
	if err != nil {
		env.t.Fatalf("audit %s: %v", action, err)
	}
	if err := json.Unmarshal([]byte(js), &details); err != nil {
		env.t.Fatal(err)
	}
	return actor, details
}

func TestFixSeats(t *testing.T) {
	env := newCandEnv(t)
	// Treasurer: two accepted candidates, both consent → two seats. A pending candidate who
	// refuses does not count.
	env.candidate(1, "Ann", "treasurer", true, election.Accepted)
	env.candidate(2, "Bob", "treasurer", true, election.Accepted)
	env.candidate(3, "Cat", "treasurer", false, election.Pending)
	env.candidate(4, "Dan", "treasurer", false, election.Rejected)
	// Equalities: one of the two accepted refuses → one seat.
	env.candidate(5, "Eve", "equalities", true, election.Accepted)
	env.candidate(6, "Fay", "equalities", false, election.Accepted)
	// Secretary is no co-officership: two consenting candidates still elect one.
	env.candidate(7, "Gus", "secretary", true, election.Accepted)
	env.candidate(8, "Hal", "secretary", true, election.Accepted)
	// Board: three seats as defined, with a single candidate.
	env.candidate(9, "Ivy", "board", false, election.Accepted)
	env.advance() // nominations_closed

	if err := env.db.FixSeatsForTest(env.ctx, candSlug, duringNominations); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"treasurer": 2, "equalities": 1, "secretary": 1, "board": 3}
	if got := env.seats(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("seats = %v; want %v", got, want)
	}
	actor, details := env.lastAudit(store.ActionSeatsFixed)
	positions, _ := details["positions"].(map[string]any)
	if actor != "civivote" || len(positions) != 4 {
		t.Fatalf("audit = %s %v; want civivote with four positions", actor, details)
	}
	eq, _ := positions["equalities"].(map[string]any)
	if why, _ := eq["why"].(string); why != "co-officership possible, but 1 of the 2 accepted candidates did not consent: 1 seat as defined" {
		t.Errorf("equalities why = %q", why)
	}

	// Again: nothing changes, nothing is audited.
	before := countRows(t, env.db, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, store.ActionSeatsFixed)
	if err := env.db.FixSeatsForTest(env.ctx, candSlug, duringNominations); err != nil {
		t.Fatal(err)
	}
	if after := countRows(t, env.db, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, store.ActionSeatsFixed); after != before {
		t.Errorf("fixing seats twice wrote %d more audit entries; want none", after-before)
	}
}

func TestFixSeatsOneCandidateKeepsOneSeat(t *testing.T) {
	env := newCandEnv(t)
	env.candidate(1, "Ann", "treasurer", true, election.Accepted)
	env.advance()
	if err := env.db.FixSeatsForTest(env.ctx, candSlug, duringNominations); err != nil {
		t.Fatal(err)
	}
	if got := env.seats()["treasurer"]; got != 1 {
		t.Errorf("treasurer with one consenting candidate has %d seats; want 1", got)
	}
}
