package store

import (
	"context"
	"fmt"
	"time"

	"github.com/civivote/civivote/election"
)

// Turnout returns the turnout of the election stored under slug (election.ErrNotFound
// when there is none).
func (s *DB) Turnout(ctx context.Context, slug string) (*election.Turnout, error) {
	e, err := s.GetElection(ctx, slug)
	if err != nil {
		return nil, err
	}
	return turnoutOf(ctx, s.sql, e)
}

// turnoutOf is Turnout read through q. After a purge the voters rows are gone and the
// turnout is the one kept in the publication.
func turnoutOf(ctx context.Context, q queryer, e *StoredElection) (*election.Turnout, error) {
	slug := e.Definition.Slug
	if kept, purged, err := purgedTurnout(ctx, q, e); err != nil || purged {
		return kept, err
	}
	var t election.Turnout
	if err := q.QueryRowContext(ctx, `
		SELECT COUNT(*), COALESCE(SUM(v.voted), 0)
		FROM voters v LEFT JOIN members m ON m.contact_id = v.contact_id
		WHERE v.election_id = ? AND (v.voted OR (v.revoked_at IS NULL AND m.in_good_standing))`,
		e.ID).Scan(&t.Eligible, &t.Voted); err != nil {
		return nil, fmt.Errorf("store: turnout of %s: %w", slug, err)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT voted_at, COUNT(*) FROM voters
		WHERE election_id = ? AND voted AND voted_at IS NOT NULL
		GROUP BY voted_at ORDER BY voted_at`, e.ID)
	if err != nil {
		return nil, fmt.Errorf("store: turnout of %s by hour: %w", slug, err)
	}
	defer rows.Close()
	loc := e.Definition.Location
	for rows.Next() {
		var (
			at time.Time
			n  int
		)
		if err := rows.Scan(&at, &n); err != nil {
			return nil, fmt.Errorf("store: turnout of %s by hour: %w", slug, err)
		}
		// voted_at is a UTC quarter hour; the local hour it falls in starts as many minutes
		// earlier as its local minute says (zones may be 30 or 45 minutes off UTC, and
		// subtracting keeps the two 01:00 hours of an autumn night apart).
		local := at.In(loc)
		start := local.Add(-time.Duration(local.Minute()) * time.Minute)
		if k := len(t.ByHour); k > 0 && t.ByHour[k-1].Start.Equal(start) {
			t.ByHour[k-1].Voted += n
		} else {
			t.ByHour = append(t.ByHour, election.HourTurnout{Start: start, Voted: n})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: turnout of %s by hour: %w", slug, err)
	}
	return &t, nil
}
