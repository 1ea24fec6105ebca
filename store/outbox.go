package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/civivote/civivote/outbox"
	"github.com/go-sql-driver/mysql"
)

// Outbox is the outbox table, implementing outbox.Store. It is a type of its own so that
// its method names (Claim, Stats, Retry…) do not crowd DB's.
type Outbox struct{ db *DB }

// Outbox returns the outbox table of s.
func (s *DB) Outbox() *Outbox { return &Outbox{db: s} }

// enqueueChunk bounds the rows of one multi-row INSERT, keeping statements well under
// max_allowed_packet (a link payload is about 150 bytes).
const enqueueChunk = 500

// Enqueue queues items in a transaction of its own; see EnqueueTx.
func (s *Outbox) Enqueue(ctx context.Context, items []outbox.Item) (int, error) {
	var n int
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.EnqueueTx(ctx, tx, items)
		return err
	})
	return n, err
}

// EnqueueTx queues items inside the caller's transaction, so they commit or roll back with
// the caller's other writes (a token and its link). It returns how many items were new: an
// item whose dedupe key is already in the table, in any state, is skipped. A new item with
// a scope supersedes the older pending items of that scope.
func (s *Outbox) EnqueueTx(ctx context.Context, tx *sql.Tx, items []outbox.Item) (int, error) {
	now := s.db.now().UTC()
	added := 0
	for start := 0; start < len(items); start += enqueueChunk {
		chunk := items[start:min(start+enqueueChunk, len(items))]
		var q strings.Builder
		q.WriteString(`INSERT INTO outbox (kind, dedupe_key, scope, payload, state, next_attempt_at, created_at) VALUES `)
		args := make([]any, 0, len(chunk)*7)
		var scoped []any
		for i, it := range chunk {
			if err := it.Validate(); err != nil {
				return added, fmt.Errorf("store: enqueue: %w", err)
			}
			if i > 0 {
				q.WriteString(",")
			}
			q.WriteString("(?,?,?,?,?,?,?)")
			var scope any
			if it.Scope != "" {
				scope = it.Scope
				scoped = append(scoped, it.Key)
			}
			args = append(args, string(it.Kind), it.Key, scope, string(it.Payload), string(outbox.StatePending), now, now)
		}
		// A duplicate key leaves the row as it is (0 rows affected); unlike INSERT IGNORE
		// this still fails on any other problem.
		q.WriteString(" ON DUPLICATE KEY UPDATE id = id")
		res, err := tx.ExecContext(ctx, q.String(), args...)
		if err != nil {
			return added, fmt.Errorf("store: enqueue %d outbox items: %w", len(chunk), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return added, fmt.Errorf("store: enqueue: %w", err)
		}
		added += int(n)
		if len(scoped) == 0 {
			continue
		}
		// Older than the queued item of the key, not than the statement: re-enqueueing an
		// old key must not supersede newer items.
		_, err = tx.ExecContext(ctx, `
			UPDATE outbox o JOIN outbox n ON n.scope = o.scope AND o.id < n.id
			SET o.state = ?, o.done_at = ?
			WHERE n.dedupe_key IN (?`+strings.Repeat(",?", len(scoped)-1)+`) AND o.state = ?`,
			append([]any{string(outbox.StateSuperseded), now}, append(scoped, string(outbox.StatePending))...)...)
		if err != nil {
			return added, fmt.Errorf("store: enqueue: supersede older outbox items: %w", err)
		}
	}
	return added, nil
}

// claimTimeout bounds a claim, which runs to its end even when the caller's context ends.
const claimTimeout = 10 * time.Second

// Claim is part of outbox.Store with a conditional UPDATE of the oldest due rows, then a
// SELECT of the rows that carry this claim's token: no SKIP LOCKED or GET_LOCK, which
// MySQL-compatible distributed engines lack. Concurrent claimers wait on each other's row
// locks and then skip the rows already taken.
//
// A claim that has begun runs to its end whatever happens to ctx (a shutdown): cancelled
// halfway, its COMMIT could land on the server while the client sees only the
// cancellation, and the rows would stay claimed, undelivered, until the claim expires.
// Finished, the caller gets the rows and hands them back.
func (s *Outbox) Claim(ctx context.Context, c outbox.ClaimRequest) ([]outbox.Claimed, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	now, until := c.Now.UTC(), c.Until.UTC()
	err := s.readCommitted(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE outbox SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1
			WHERE kind = ? AND state = ? AND next_attempt_at <= ?
			  AND (claimed_until IS NULL OR claimed_until <= ?)
			ORDER BY id LIMIT ?`,
			c.Token, until, string(c.Kind), string(outbox.StatePending), now, now, c.Limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox items: %w", err)
	}
	rows, err := s.db.sql.QueryContext(ctx, `
		SELECT id, dedupe_key, payload, attempts FROM outbox
		WHERE claimed_by = ? AND state = ? ORDER BY id`, c.Token, string(outbox.StatePending))
	if err != nil {
		return nil, fmt.Errorf("store: read claimed outbox items: %w", err)
	}
	defer rows.Close()
	var out []outbox.Claimed
	for rows.Next() {
		var it outbox.Claimed
		if err := rows.Scan(&it.ID, &it.Key, &it.Payload, &it.Attempts); err != nil {
			return nil, fmt.Errorf("store: read claimed outbox items: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read claimed outbox items: %w", err)
	}
	return out, nil
}

// readCommitted runs fn in a READ COMMITTED transaction, again after a deadlock. Claims and
// settles touch the same rows through different indexes; under REPEATABLE READ the gap
// locks of a claim's index scan block a settle's index insert and InnoDB kills one side.
// READ COMMITTED takes no gap locks for these statements, and the rare remaining deadlock is
// rolled back whole, so running fn again is safe.
func (s *Outbox) readCommitted(ctx context.Context, fn func(*sql.Tx) error) error {
	var err error
	for try := range 8 {
		if try > 0 {
			select {
			case <-time.After(time.Duration(try) * time.Duration(1+mrand.IntN(5)) * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err = s.tx(ctx, fn); !retryable(err) {
			return err
		}
	}
	return err
}

func (s *Outbox) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.sql.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// retryable reports a deadlock or lock wait timeout, after which InnoDB has rolled back.
func retryable(err error) bool {
	var e *mysql.MySQLError
	return errors.As(err, &e) && (e.Number == 1213 || e.Number == 1205)
}

// settleGroup is outcomes that one UPDATE records.
type settleGroup struct {
	state outbox.State
	next  time.Time
	err   string
}

// Settle is part of outbox.Store: one UPDATE per distinct outcome, in one transaction.
// Only rows still claimed by token and still pending change, so a late worker whose claim
// expired cannot undo another's delivery or revive a superseded item.
func (s *Outbox) Settle(ctx context.Context, token string, now time.Time, outcomes []outbox.Outcome) error {
	ids := map[settleGroup][]any{}
	var order []settleGroup
	for _, o := range outcomes {
		g := settleGroup{o.State, o.Next.UTC(), o.Err}
		if o.State != outbox.StatePending {
			g.next = time.Time{}
		}
		if _, ok := ids[g]; !ok {
			order = append(order, g)
		}
		ids[g] = append(ids[g], o.ID)
	}
	return s.readCommitted(ctx, func(tx *sql.Tx) error {
		for _, g := range order {
			in := "?" + strings.Repeat(",?", len(ids[g])-1)
			var lastErr any
			if g.err != "" {
				lastErr = g.err
			}
			var (
				set  string
				args []any
			)
			switch g.state {
			case outbox.StatePending:
				set, args = "next_attempt_at = ?, last_error = ?", []any{g.next, lastErr}
			case outbox.StateDone, outbox.StateFailed:
				set, args = "state = ?, done_at = ?, last_error = ?", []any{string(g.state), now.UTC(), lastErr}
			default:
				return fmt.Errorf("store: settle outbox items: unexpected state %q", g.state)
			}
			args = append(append(args, token, string(outbox.StatePending)), ids[g]...)
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET `+set+`, claimed_until = NULL
				WHERE claimed_by = ? AND state = ? AND id IN (`+in+`)`, args...); err != nil {
				return fmt.Errorf("store: settle %d outbox items as %s: %w", len(ids[g]), g.state, err)
			}
		}
		return nil
	})
}
