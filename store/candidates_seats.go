package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/civivote/civivote/election"
)

// ActionSeatsFixed is the audit action recording the seats each position elects, written
// when nominations close and again whenever a later decision on a candidate changes them.
const ActionSeatsFixed = "candidate.seats_fixed"

// systemActor is the audit actor of what civivote does by itself.
const systemActor = "civivote"

// fixSeatsTx records in positions.fixed_seats how many seats each position of e elects
// (election.FixSeats over its accepted candidates), in tx: called when the election
// enters nominations_closed, by the scheduler or by hand. It is idempotent: a position
// whose seats are already right is left alone, and when nothing changes nothing is
// audited. Otherwise one audit entry lists each position's seats and why.
func fixSeatsTx(ctx context.Context, tx *sql.Tx, e *StoredElection, now time.Time) error {
	return fixSeatsAs(ctx, tx, e, systemActor, now)
}

// seatDecision is one position's line in the seats audit entry.
type seatDecision struct {
	Seats    int    `json:"seats"`
	Previous *int   `json:"previous,omitempty"`
	Why      string `json:"why"`
	Accepted int    `json:"accepted"`
}

// fixSeatsAs is fixSeatsTx with the actor whose action made the seats change (the
// committee member accepting or rejecting a candidate after the close).
func fixSeatsAs(ctx context.Context, tx *sql.Tx, e *StoredElection, actor string, now time.Time) error {
	slug := e.Definition.Slug
	cands, err := loadCandidates(ctx, tx, e.ID, "", " FOR UPDATE")
	if err != nil {
		return err
	}
	current, err := positionSeats(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	changed := map[string]seatDecision{}
	for _, p := range e.Definition.Positions {
		seats := election.FixSeats(p, cands)
		prev, ok := current[p.Key]
		if ok && prev != nil && *prev == seats {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE positions SET fixed_seats = ? WHERE election_id = ? AND position_key = ?`,
			seats, e.ID, p.Key); err != nil {
			return fmt.Errorf("store: fix seats of %s/%s: %w", slug, p.Key, err)
		}
		accepted, why := seatReason(p, cands, seats)
		changed[p.Key] = seatDecision{Seats: seats, Previous: prev, Why: why, Accepted: accepted}
	}
	if len(changed) == 0 {
		return nil
	}
	return audit(ctx, tx, now, actor, ActionSeatsFixed, e.ID, map[string]any{"state": string(e.State), "positions": changed})
}

// seatReason explains FixSeats' answer for p, for the audit log and the committee.
func seatReason(p election.Position, cands []election.Candidate, seats int) (accepted int, why string) {
	refused := 0
	for _, c := range cands {
		if c.PositionKey != p.Key || c.Status != election.Accepted {
			continue
		}
		accepted++
		if !c.CoOfficershipConsent {
			refused++
		}
	}
	switch {
	case !p.CoOfficership:
		return accepted, fmt.Sprintf("not a co-officership position: %d %s as defined", p.Seats, plural(p.Seats, "seat", "seats"))
	case seats == 2 && p.Seats != 2:
		return accepted, fmt.Sprintf("co-officership: all %d accepted candidates consent, so the top two share the position", accepted)
	case accepted < 2:
		return accepted, fmt.Sprintf("co-officership possible, but %d accepted %s: %d %s as defined",
			accepted, plural(accepted, "candidate", "candidates"), p.Seats, plural(p.Seats, "seat", "seats"))
	case refused > 0:
		return accepted, fmt.Sprintf("co-officership possible, but %d of the %d accepted candidates did not consent: %d %s as defined",
			refused, accepted, p.Seats, plural(p.Seats, "seat", "seats"))
	}
	return accepted, fmt.Sprintf("%d %s as defined", p.Seats, plural(p.Seats, "seat", "seats"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// positionSeats returns each position's recorded seats, nil where none are recorded yet.
func positionSeats(ctx context.Context, q queryer, electionID int64) (map[string]*int, error) {
	rows, err := q.QueryContext(ctx, `SELECT position_key, fixed_seats FROM positions WHERE election_id = ?`, electionID)
	if err != nil {
		return nil, fmt.Errorf("store: seats of election %d: %w", electionID, err)
	}
	defer rows.Close()
	out := map[string]*int{}
	for rows.Next() {
		var (
			key   string
			fixed sql.NullInt64
		)
		if err := rows.Scan(&key, &fixed); err != nil {
			return nil, fmt.Errorf("store: seats of election %d: %w", electionID, err)
		}
		if fixed.Valid {
			n := int(fixed.Int64)
			out[key] = &n
		} else {
			out[key] = nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: seats of election %d: %w", electionID, err)
	}
	return out, nil
}
