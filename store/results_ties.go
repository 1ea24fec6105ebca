package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
)

// ActionTieResolved is the audit action of a decision by lot.
const ActionTieResolved = "tie.resolved"

// TieResolution is one recorded decision by lot: in position Position, Winner (a
// candidate id, or election.RON) took one of the seats Tied shared on Votes votes.
type TieResolution struct {
	ID       int64
	Position string
	Winner   int64
	Tied     []int64
	Votes    int
	Reason   string
	Actor    string
	At       time.Time
}

// ResolveTie records the committee's decision by lot for positionKey: winner (a candidate
// id, or election.RON) takes one tied seat. The decision is checked against the count as
// it stands (election.Result.ResolveTie: a tie must be open there, winner among the tied,
// a reason given), stored, and audited in one transaction under the election's row lock,
// so two committee members resolving at once cannot both fill the last seat. It returns
// the count with the decision applied. A tie for several seats takes one call per seat.
func (s *DB) ResolveTie(ctx context.Context, slug, positionKey string, winner int64, reason, actor string, now time.Time) (*Count, error) {
	reason = strings.TrimSpace(reason)
	var c *Count
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, slug, " FOR UPDATE")
		if err != nil {
			return err
		}
		if c, err = s.count(ctx, tx, e); err != nil {
			return err
		}
		pr := c.Result.Position(positionKey)
		if pr == nil {
			return election.Errorf(election.ErrNotFound, "%s has no position %q; its positions are %s",
				slug, positionKey, positionKeys(c.Result))
		}
		var tie election.Tie
		if pr.Tie != nil {
			tie = *pr.Tie
			tie.Candidates = slices.Clone(pr.Tie.Candidates)
		}
		if err := c.Result.ResolveTie(positionKey, winner, reason); err != nil {
			return err
		}
		tied, err := json.Marshal(tie.Candidates)
		if err != nil {
			return fmt.Errorf("store: resolve tie: %w", err)
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO tie_resolutions (election_id, position_key, winner, tied, votes, reason, actor, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, positionKey, winner, string(tied), tie.Votes, reason, actor, now.UTC())
		if err != nil {
			return fmt.Errorf("store: resolve tie for %s in %s: %w", positionKey, slug, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("store: resolve tie for %s in %s: %w", positionKey, slug, err)
		}
		c.Resolutions = append(c.Resolutions, TieResolution{ID: id, Position: positionKey, Winner: winner,
			Tied: tie.Candidates, Votes: tie.Votes, Reason: reason, Actor: actor, At: now.UTC()})
		return audit(ctx, tx, now, actor, ActionTieResolved, e.ID, map[string]any{
			"position": positionKey, "winner": winner, "winner_name": c.Name(winner),
			"tied": tie.Candidates, "votes": tie.Votes, "seats": tie.Seats, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// tieResolutions reads an election's recorded decisions by lot in the order they were made.
func tieResolutions(ctx context.Context, q queryer, electionID int64) ([]TieResolution, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT id, position_key, winner, tied, votes, reason, actor, at
		FROM tie_resolutions WHERE election_id = ? ORDER BY id`, electionID)
	if err != nil {
		return nil, fmt.Errorf("store: tie resolutions of election %d: %w", electionID, err)
	}
	defer rows.Close()
	var out []TieResolution
	for rows.Next() {
		var (
			tr   TieResolution
			tied []byte
		)
		if err := rows.Scan(&tr.ID, &tr.Position, &tr.Winner, &tied, &tr.Votes, &tr.Reason, &tr.Actor, &tr.At); err != nil {
			return nil, fmt.Errorf("store: tie resolutions of election %d: %w", electionID, err)
		}
		if err := json.Unmarshal(tied, &tr.Tied); err != nil {
			return nil, fmt.Errorf("store: tie resolution %d: %w", tr.ID, err)
		}
		out = append(out, tr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tie resolutions of election %d: %w", electionID, err)
	}
	return out, nil
}

func positionKeys(r *election.Result) string {
	keys := make([]string, len(r.Positions))
	for i, pr := range r.Positions {
		keys[i] = pr.Key
	}
	return strings.Join(keys, ", ")
}
