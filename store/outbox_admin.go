package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/civivote/civivote/outbox"
)

// The outbox's administration: what an admin sees of the backlog and how failed items go
// back to the queue.

// Retry is part of outbox.Store: failed items (those in ids, or all when ids is nil) become
// pending and due at now with a fresh attempt count; their last error stays until the
// next attempt.
func (s *Outbox) Retry(ctx context.Context, ids []int64, now time.Time) (int, error) {
	q := `UPDATE outbox SET state = ?, next_attempt_at = ?, attempts = 0, claimed_until = NULL, done_at = NULL
		WHERE kind IN (?, ?, ?, ?) AND state = ?`
	args := append(append([]any{string(outbox.StatePending), now.UTC()}, kindArgs()...), string(outbox.StateFailed))
	if ids != nil {
		if len(ids) == 0 {
			return 0, nil
		}
		q += ` AND id IN (?` + strings.Repeat(",?", len(ids)-1) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	res, err := s.db.sql.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("store: retry outbox items: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: retry outbox items: %w", err)
	}
	return int(n), nil
}

// Stats is part of outbox.Store.
func (s *Outbox) Stats(ctx context.Context, now time.Time) (outbox.Stats, error) {
	st := outbox.Stats{ByKind: map[outbox.Kind]outbox.KindStats{}}
	rows, err := s.db.sql.QueryContext(ctx, `
		SELECT kind, state, COUNT(*), COALESCE(SUM(next_attempt_at <= ?), 0), MIN(created_at)
		FROM outbox WHERE kind IN (?, ?, ?, ?) AND state IN (?, ?) GROUP BY kind, state`,
		append(append([]any{now.UTC()}, kindArgs()...), string(outbox.StatePending), string(outbox.StateFailed))...)
	if err != nil {
		return st, fmt.Errorf("store: outbox stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind, state string
			n, due      int
			oldest      time.Time
		)
		if err := rows.Scan(&kind, &state, &n, &due, &oldest); err != nil {
			return st, fmt.Errorf("store: outbox stats: %w", err)
		}
		ks := st.ByKind[outbox.Kind(kind)]
		if outbox.State(state) == outbox.StateFailed {
			ks.Failed += n
			st.Failed += n
		} else {
			ks.Pending, ks.Due, ks.OldestPending = ks.Pending+n, ks.Due+due, oldest
			st.Pending, st.Due = st.Pending+n, st.Due+due
			if st.OldestPending.IsZero() || oldest.Before(st.OldestPending) {
				st.OldestPending = oldest
			}
		}
		st.ByKind[outbox.Kind(kind)] = ks
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("store: outbox stats: %w", err)
	}
	return st, nil
}

// Failed is part of outbox.Store.
func (s *Outbox) Failed(ctx context.Context, limit int) ([]outbox.Entry, error) {
	rows, err := s.db.sql.QueryContext(ctx, `
		SELECT id, kind, dedupe_key, state, attempts, COALESCE(last_error, ''), created_at
		FROM outbox WHERE kind IN (?, ?, ?, ?) AND state = ? ORDER BY id LIMIT ?`,
		append(kindArgs(), string(outbox.StateFailed), limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: list failed outbox items: %w", err)
	}
	defer rows.Close()
	var out []outbox.Entry
	for rows.Next() {
		var (
			e           outbox.Entry
			kind, state string
		)
		if err := rows.Scan(&e.ID, &kind, &e.Key, &state, &e.Attempts, &e.LastError, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: list failed outbox items: %w", err)
		}
		e.Kind, e.State = outbox.Kind(kind), outbox.State(state)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list failed outbox items: %w", err)
	}
	return out, nil
}

// kindArgs are the four kinds as query arguments: naming them lets the outbox_claim index
// (kind, state, id) serve queries by state, which rows done long ago would otherwise slow.
func kindArgs() []any {
	return []any{string(outbox.KindLink), string(outbox.KindGroupAdd), string(outbox.KindGroupRemove),
		string(outbox.KindRelationship)}
}

// CountByPrefix counts the items whose dedupe key starts with one of prefixes, by kind and
// state: an election's backlog with outbox.ElectionKeyPrefixes. Each prefix is a range of
// the unique index on dedupe_key, so the count reads the election's rows only.
func (s *Outbox) CountByPrefix(ctx context.Context, prefixes []string) (map[outbox.Kind]outbox.Counts, error) {
	out := map[outbox.Kind]outbox.Counts{}
	if len(prefixes) == 0 {
		return out, nil
	}
	q, args := countByPrefixQuery(prefixes)
	rows, err := s.db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: count outbox items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind, state string
			n           int
		)
		if err := rows.Scan(&kind, &state, &n); err != nil {
			return nil, fmt.Errorf("store: count outbox items: %w", err)
		}
		c := out[outbox.Kind(kind)]
		switch outbox.State(state) {
		case outbox.StatePending:
			c.Pending += n
		case outbox.StateFailed:
			c.Failed += n
		case outbox.StateDone:
			c.Delivered += n
		case outbox.StateSuperseded:
			c.Superseded += n
		}
		out[outbox.Kind(kind)] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count outbox items: %w", err)
	}
	return out, nil
}

// countByPrefixQuery is CountByPrefix's SQL. The index is forced: grouping by kind and
// state tempts the optimizer into scanning all of outbox_claim, the whole table's history.
func countByPrefixQuery(prefixes []string) (string, []any) {
	var (
		where strings.Builder
		args  []any
	)
	for i, p := range prefixes {
		if i > 0 {
			where.WriteString(" OR ")
		}
		where.WriteString(`dedupe_key LIKE ? ESCAPE '!'`)
		args = append(args, likePrefix(p))
	}
	return `SELECT kind, state, COUNT(*) FROM outbox FORCE INDEX (outbox_dedupe) WHERE ` + where.String() +
		` GROUP BY kind, state`, args
}

// ElectionOutbox counts the election's links and group changes by kind and state.
func (s *Outbox) ElectionOutbox(ctx context.Context, slug string) (map[outbox.Kind]outbox.Counts, error) {
	return s.CountByPrefix(ctx, outbox.ElectionKeyPrefixes(slug))
}

// likePrefix is a LIKE pattern matching strings that start with p: group names hold
// underscores, which LIKE would otherwise take for any character.
func likePrefix(p string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return r.Replace(p) + "%"
}
