package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/civivote/civivote/outbox"
)

// WritebackItem is one write of an election's write-back and how far it has got.
type WritebackItem struct {
	ID        int64
	State     outbox.State
	Attempts  int
	LastError string
	CreatedAt time.Time
	DoneAt    time.Time // zero while pending
	// Relationship is the write: an officer's tenure, or the end of a previous holder's
	// (ID set, Inactive perhaps).
	Relationship outbox.Relationship
}

// WritebackItems lists the writes queued by the write-backs of election slug, oldest
// first, with their outbox state: what `civivote writeback` and the admin API show. An
// unknown slug is an error of kind election.ErrNotFound.
func (s *DB) WritebackItems(ctx context.Context, slug string) ([]WritebackItem, error) {
	if _, err := s.GetElection(ctx, slug); err != nil {
		return nil, err
	}
	rows, err := s.sql.QueryContext(ctx, `
		SELECT id, state, attempts, COALESCE(last_error, ''), created_at, done_at, payload
		FROM outbox FORCE INDEX (outbox_dedupe) WHERE dedupe_key LIKE ? ESCAPE '!' ORDER BY id`,
		likePrefix(outbox.WritebackKeyPrefix(slug)))
	if err != nil {
		return nil, fmt.Errorf("store: write-back items of %s: %w", slug, err)
	}
	defer rows.Close()
	var out []WritebackItem
	for rows.Next() {
		var (
			it      WritebackItem
			state   string
			done    sql.NullTime
			payload []byte
		)
		if err := rows.Scan(&it.ID, &state, &it.Attempts, &it.LastError, &it.CreatedAt, &done, &payload); err != nil {
			return nil, fmt.Errorf("store: write-back items of %s: %w", slug, err)
		}
		if err := json.Unmarshal(payload, &it.Relationship); err != nil {
			return nil, fmt.Errorf("store: write-back item %d of %s: %w", it.ID, slug, err)
		}
		it.State, it.DoneAt = outbox.State(state), done.Time
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: write-back items of %s: %w", slug, err)
	}
	return out, nil
}
