package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
)

// Candidates returns every nomination in election slug, whatever its status, for the
// committee: in the definition's position order, then by name.
func (s *DB) Candidates(ctx context.Context, slug string) ([]election.Candidate, error) {
	e, err := loadElection(ctx, s.sql, slug, "")
	if err != nil {
		return nil, err
	}
	cands, err := loadCandidates(ctx, s.sql, e.ID, "", "")
	if err != nil {
		return nil, err
	}
	sortCandidates(e.Definition, cands)
	return cands, nil
}

// PublicCandidates returns election slug and its accepted candidates with their
// statements, for the public page: in the definition's position order, then by name.
// Pending, rejected and withdrawn nominations are never shown.
func (s *DB) PublicCandidates(ctx context.Context, slug string) (*election.Election, []election.Candidate, error) {
	e, err := loadElection(ctx, s.sql, slug, "")
	if err != nil {
		return nil, nil, err
	}
	cands, err := loadCandidates(ctx, s.sql, e.ID, `status = ?`, "", string(election.Accepted))
	if err != nil {
		return nil, nil, err
	}
	sortCandidates(e.Definition, cands)
	return &e.Election, cands, nil
}

// sortCandidates orders candidates as the definition lists positions, then by name and id.
func sortCandidates(d *election.Definition, cands []election.Candidate) {
	order := make(map[string]int, len(d.Positions))
	for i, p := range d.Positions {
		order[p.Key] = i
	}
	slices.SortStableFunc(cands, func(a, b election.Candidate) int {
		return cmp.Or(cmp.Compare(order[a.PositionKey], order[b.PositionKey]), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
}

// AcceptCandidate records the committee's acceptance of candidate id in election slug
// (see election.Candidate.Accept for when that is possible), audited with actor. After
// nominations have closed, the seats are fixed again, since acceptance can make a
// co-officership. Accepting an accepted candidate changes nothing.
func (s *DB) AcceptCandidate(ctx context.Context, slug string, id int64, actor string, now time.Time) error {
	return s.decide(ctx, slug, id, actor, now, func(st election.State, c *election.Candidate) error {
		return c.Accept(st)
	})
}

// RejectCandidate records the committee's rejection of candidate id in election slug with
// reason, which the candidate is shown (required), audited with actor. After nominations
// have closed, the seats are fixed again.
func (s *DB) RejectCandidate(ctx context.Context, slug string, id int64, reason, actor string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if len(reason) > 1000 {
		return election.Errorf(election.ErrInvalid, "the reason is %d characters long; keep it to 1000, the candidate reads it", len(reason))
	}
	return s.decide(ctx, slug, id, actor, now, func(st election.State, c *election.Candidate) error {
		return c.Reject(st, reason)
	})
}

// decide applies the committee's decision to one candidate in one transaction. The
// election's row is locked so the decision and the seats it implies cannot cross a
// change of state.
func (s *DB) decide(ctx context.Context, slug string, id int64, actor string, now time.Time,
	rule func(election.State, *election.Candidate) error) error {
	return s.retryDeadlock(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, slug, " FOR UPDATE")
		if err != nil {
			return err
		}
		found, err := loadCandidates(ctx, tx, e.ID, `id = ?`, " FOR UPDATE", id)
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return election.Errorf(election.ErrNotFound,
				"election %s has no candidate %d: `civivote candidates list %s` shows the candidates and their ids", slug, id, slug)
		}
		c := found[0]
		before := c
		if err := rule(e.State, &c); err != nil {
			return err
		}
		if c.Status == before.Status && c.RejectionReason == before.RejectionReason {
			return nil
		}
		var reason any
		if c.RejectionReason != "" {
			reason = c.RejectionReason
		}
		if _, err := tx.ExecContext(ctx, `UPDATE candidates SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?`,
			string(c.Status), reason, now.UTC(), c.ID); err != nil {
			return fmt.Errorf("store: %s candidate %d in %s: %w", c.Status, c.ID, slug, err)
		}
		action, details := ActionCandidateAccepted, map[string]any{"candidate": c.ID, "position": c.PositionKey,
			"previous_status": string(before.Status)}
		if c.Status == election.Rejected {
			action, details["reason"] = ActionCandidateRejected, c.RejectionReason
		}
		if err := auditMember(ctx, tx, now, actor, action, e.ID, c.ContactID, details); err != nil {
			return err
		}
		if e.State == election.NominationsOpen {
			return nil // seats are fixed when nominations close
		}
		return fixSeatsAs(ctx, tx, e, actor, now)
	})
}

// PositionCandidates is what `election show` says about one position's nominations.
type PositionCandidates struct {
	// ByStatus counts the position's nominations by status.
	ByStatus map[election.CandidateStatus]int
	// FixedSeats is the seats fixed when nominations closed; 0 until then.
	FixedSeats int
}

// CandidateSummary returns, per position key of the election, its nominations by status
// and its fixed seats.
func (s *DB) CandidateSummary(ctx context.Context, electionID int64) (map[string]PositionCandidates, error) {
	seats, err := positionSeats(ctx, s.sql, electionID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]PositionCandidates, len(seats))
	for key, n := range seats {
		pc := PositionCandidates{ByStatus: map[election.CandidateStatus]int{}}
		if n != nil {
			pc.FixedSeats = *n
		}
		out[key] = pc
	}
	rows, err := s.sql.QueryContext(ctx, `
		SELECT position_key, status, COUNT(*) FROM candidates WHERE election_id = ? GROUP BY position_key, status`, electionID)
	if err != nil {
		return nil, fmt.Errorf("store: candidate counts of election %d: %w", electionID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key, status string
			n           int
		)
		if err := rows.Scan(&key, &status, &n); err != nil {
			return nil, fmt.Errorf("store: candidate counts of election %d: %w", electionID, err)
		}
		pc, ok := out[key]
		if !ok {
			pc = PositionCandidates{ByStatus: map[election.CandidateStatus]int{}}
		}
		pc.ByStatus[election.CandidateStatus(status)] = n
		out[key] = pc
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: candidate counts of election %d: %w", electionID, err)
	}
	return out, nil
}
