package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/civivote/civivote/election"
)

// ActorScheduler is the audit log's actor for what civivote does by itself at the times an
// election's definition gives.
const ActorScheduler = "scheduler"

// Transition is one step an election took.
type Transition struct {
	Election string
	From, To election.State
}

// AdvanceDue moves every election to the state its windows imply at now, one step at a
// time (after downtime, several), each step in its own transaction under the election's row
// lock and re-checked there, so two replicas or two ticks make each step once. Each step
// runs the same entry effects as a manual advance (see AdvanceElection) and is audited with
// actor "scheduler". It returns the steps this call made; an election that fails does not
// stop the others.
func (s *DB) AdvanceDue(ctx context.Context, lc LinkConfig, now time.Time) ([]Transition, error) {
	list, err := s.ListElections(ctx)
	if err != nil {
		return nil, err
	}
	var (
		done []Transition
		errs []error
	)
	for _, e := range list {
		for _, to := range e.Steps(now) {
			tr, made, err := s.advanceTo(ctx, e.Definition.Slug, lc, now, func(cur *StoredElection) (election.State, string, error) {
				// Another replica may have made this step already, or the committee
				// moved the election on by hand: only the very next state, still due.
				if !election.CanAdvance(cur.State, to) || cur.Due(now).Before(to) {
					return "", "", nil
				}
				return to, "scheduled: " + scheduleReason(cur.Definition, to), nil
			}, ActorScheduler)
			if err != nil {
				errs = append(errs, fmt.Errorf("election %s: %w", e.Definition.Slug, err))
				break
			}
			if made {
				done = append(done, tr)
			}
		}
	}
	return done, errors.Join(errs...)
}

// ReconcileRolls brings the roll of every election from nominations open to voting open up
// to date with the members table (see IssueLinks): run it after each successful roster sync
// and on the lifecycle tick. Its changes are audited with actor "scheduler". An election
// that fails does not stop the others.
func (s *DB) ReconcileRolls(ctx context.Context, lc LinkConfig, now time.Time) ([]IssueReport, error) {
	list, err := s.ListElections(ctx)
	if err != nil {
		return nil, err
	}
	var (
		out  []IssueReport
		errs []error
	)
	for _, e := range list {
		if e.State.Before(election.NominationsOpen) || election.VotingOpen.Before(e.State) || checkIssuable(e, now) != nil {
			continue
		}
		rep, err := s.IssueLinks(ctx, e.Definition.Slug, lc, ActorScheduler, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("election %s: %w", e.Definition.Slug, err))
			continue
		}
		out = append(out, rep)
	}
	return out, errors.Join(errs...)
}

// scheduleReason says which time of the definition made a scheduled step.
func scheduleReason(d *election.Definition, to election.State) string {
	at := func(what string, t time.Time) string {
		return what + " at " + election.FormatTime(t, d.Location)
	}
	switch to {
	case election.NominationsOpen:
		return at("nominations open", d.Nominations.Opens)
	case election.NominationsClosed:
		return at("nominations close", d.Nominations.Closes)
	case election.VotingOpen:
		return at("voting opens", d.Voting.Opens)
	case election.VotingClosed:
		return at("voting closes", d.Voting.Closes)
	}
	return string(to)
}

// advanceTo makes one step of election slug in a transaction holding its row lock: decide
// looks at the election as locked and gives the next state and the reason for the audit
// log, or no state to leave it as it is. Then
// the state changes, the step's entry effects run in the same transaction, and the step is
// audited. After the commit, entering nominations open or voting open issues the links
// (in chunks, outside the step's transaction: see IssueLinks). A failure there leaves the
// step made; the lifecycle tick's ReconcileRolls finishes the roll.
func (s *DB) advanceTo(ctx context.Context, slug string, lc LinkConfig, now time.Time,
	decide func(*StoredElection) (election.State, string, error), actor string) (Transition, bool, error) {
	if err := lc.check(); err != nil {
		return Transition{}, false, err
	}
	var (
		tr       Transition
		made     bool
		issuable bool
	)
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		cur, err := loadElection(ctx, tx, slug, " FOR UPDATE")
		if err != nil {
			return err
		}
		to, reason, err := decide(cur)
		if err != nil || to == "" {
			return err
		}
		if tr, err = s.stepTx(ctx, tx, cur, to, reason, actor, now); err != nil {
			return err
		}
		made, issuable = true, checkIssuable(cur, now) == nil
		return nil
	})
	if err != nil || !made {
		return tr, false, err
	}
	// An election moved on by hand after its voting window (a test, a rerun) has no
	// links to issue: IssueLinks would refuse.
	if issuable && (tr.To == election.NominationsOpen || tr.To == election.VotingOpen) {
		if _, err := s.IssueLinks(ctx, slug, lc, actor, now); err != nil {
			return tr, true, fmt.Errorf("store: election %s is %s, but issuing its links failed (the next lifecycle tick tries again): %w",
				slug, tr.To, err)
		}
	}
	return tr, true, nil
}

// stepTx moves cur, locked FOR UPDATE in tx, to state to: the state changes, the step's
// entry effects run in tx, and the step is audited. Every transition goes through it: the
// scheduler's and the committee's advances (advanceTo), and the steps after voting closes,
// which make their own writes in the same transaction (publication, write-back).
func (s *DB) stepTx(ctx context.Context, tx *sql.Tx, cur *StoredElection, to election.State, reason, actor string,
	now time.Time) (Transition, error) {
	slug := cur.Definition.Slug
	if _, err := tx.ExecContext(ctx, `UPDATE elections SET state = ?, updated_at = ? WHERE id = ?`,
		string(to), now.UTC(), cur.ID); err != nil {
		return Transition{}, fmt.Errorf("store: advance election %s: %w", slug, err)
	}
	tr := Transition{Election: slug, From: cur.State, To: to}
	cur.State = to
	if err := s.enterTx(ctx, tx, cur, now); err != nil {
		return Transition{}, fmt.Errorf("store: election %s entering %s: %w", slug, to, err)
	}
	return tr, audit(ctx, tx, now, actor, ActionElectionAdvanced, cur.ID,
		map[string]any{"from": string(tr.From), "to": string(to), "reason": reason})
}

// enterTx runs the effects of entering e.State that belong in the step's transaction:
// seats are fixed when nominations close, the not-yet-voted group is filled when voting
// opens, and the roll's closing is recorded when voting closes if nothing recorded it yet.
func (s *DB) enterTx(ctx context.Context, tx *sql.Tx, e *StoredElection, now time.Time) error {
	switch e.State {
	case election.NominationsClosed:
		return fixSeatsTx(ctx, tx, e, now)
	case election.VotingOpen:
		return s.enterVotingOpenTx(ctx, tx, e, now)
	case election.VotingClosed:
		_, err := recordRollClosedTx(ctx, tx, e, now)
		return err
	}
	return nil
}
