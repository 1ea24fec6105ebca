package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/civivote/civivote/roster"
)

// applyChunk is how many staged members one transaction writes: big enough to amortise the
// commit, small enough that a transaction never holds many locks for long.
const applyChunk = 20000

// Apply writes the staged members, the lapses and the released overrides, each in batched
// transactions, with an audit entry per eligibility change. Every batch is idempotent, so a
// run that fails part-way is completed by the next one.
func (st *rosterStage) Apply(ctx context.Context, p roster.Plan) error {
	at := p.At.UTC()
	lo := int64(-1)
	for {
		hi := int64(math.MaxInt64)
		err := st.conn.QueryRowContext(ctx, `SELECT contact_id FROM roster_stage WHERE contact_id > ?
			ORDER BY contact_id LIMIT 1 OFFSET ?`, lo, applyChunk-1).Scan(&hi)
		last := errors.Is(err, sql.ErrNoRows)
		if err != nil && !last {
			return fmt.Errorf("store: apply staged members: %w", err)
		}
		if err := st.tx(ctx, func(tx *sql.Tx) error { return applyStaged(ctx, tx, p.RunID, at, lo, hi) }); err != nil {
			return err
		}
		if last {
			break
		}
		lo = hi
	}
	if err := st.applyLapses(ctx, p.RunID, at, p.Lapses); err != nil {
		return err
	}
	if len(p.Release) > 0 {
		if err := st.tx(ctx, func(tx *sql.Tx) error { return releaseOverrides(ctx, tx, p.RunID, at, p.Release) }); err != nil {
			return err
		}
	}
	return nil
}

// tx runs fn in a transaction on the stage's connection: the temporary table exists only
// there, so (*DB).Transact, which takes any pooled connection, cannot be used.
func (st *rosterStage) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	return transact(ctx, st.conn, fn)
}

func applyStaged(ctx context.Context, tx *sql.Tx, runID int64, at time.Time, lo, hi int64) error {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO audit_log (at, actor, action, contact_id, details)
		SELECT ?, 'sync', IF(m.contact_id IS NULL, ?, ?), s.contact_id,
		  JSON_OBJECT('reason', CONCAT(IF(m.contact_id IS NULL, 'new current member', 'current again'),
		    ' (', s.membership_status, ', ', s.membership_type, ') in sync run ', ?), 'run', ?, 'membership_id', s.membership_id)`+
		stageJoin+`
		WHERE s.contact_id > ? AND s.contact_id <= ? AND (`+condAdded+` OR `+condReactivated+`)
		ORDER BY s.contact_id`,
		at, roster.ActionAdded, roster.ActionReactivated, runID, runID, at, lo, hi); err != nil {
		return fmt.Errorf("store: audit added and reactivated members: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO members (contact_id, membership_id, display_name, email, external_id, membership_type,
		  membership_status, membership_count, join_date, start_date, end_date, row_hash,
		  in_good_standing, first_seen_at, last_seen_at, lapsed_at, lapse_reason)
		SELECT s.contact_id, s.membership_id, s.display_name, s.email, s.external_id, s.membership_type,
		  s.membership_status, s.membership_count, s.join_date, s.start_date, s.end_date, s.row_hash,
		  COALESCE(o.eligible, TRUE), ?, ?,
		  IF(COALESCE(o.eligible, TRUE), NULL, ?),
		  IF(COALESCE(o.eligible, TRUE), NULL, CONCAT('override by ', o.actor, ': ', o.reason))
		FROM roster_stage s
		LEFT JOIN member_overrides o ON o.contact_id = s.contact_id AND o.until_at > ? AND o.released_at IS NULL
		WHERE s.contact_id > ? AND s.contact_id <= ?
		ORDER BY s.contact_id
		ON DUPLICATE KEY UPDATE
		  members.last_seen_at = IF(members.row_hash <> VALUES(row_hash) OR members.membership_count <> VALUES(membership_count)
		    OR members.in_good_standing <> VALUES(in_good_standing), VALUES(last_seen_at), members.last_seen_at),
		  members.lapsed_at = IF(VALUES(in_good_standing), NULL, members.lapsed_at),
		  members.lapse_reason = IF(VALUES(in_good_standing), NULL, members.lapse_reason),
		  members.in_good_standing = VALUES(in_good_standing),
		  members.membership_id = VALUES(membership_id), members.display_name = VALUES(display_name), members.email = VALUES(email),
		  members.external_id = VALUES(external_id), members.membership_type = VALUES(membership_type),
		  members.membership_status = VALUES(membership_status), members.membership_count = VALUES(membership_count),
		  members.join_date = VALUES(join_date), members.start_date = VALUES(start_date), members.end_date = VALUES(end_date),
		  members.row_hash = VALUES(row_hash)`,
		at, at, at, at, lo, hi); err != nil {
		return fmt.Errorf("store: write staged members (contacts %d…%d): %w", lo+1, hi, err)
	}
	return nil
}

// notOverridden keeps a lapse off a contact whose override is in force, even one set while
// the run was reading.
const notOverridden = ` AND contact_id NOT IN (SELECT contact_id FROM member_overrides WHERE until_at > ? AND released_at IS NULL)`

// applyLapses lapses members in transactions of up to 1000, grouped by reason.
func (st *rosterStage) applyLapses(ctx context.Context, runID int64, at time.Time, lapses []roster.Lapse) error {
	type group struct {
		reason string
		merged int64
	}
	for len(lapses) > 0 {
		chunk := lapses[:min(len(lapses), 1000)]
		lapses = lapses[len(chunk):]
		groups := map[group][]int64{}
		var order []group
		for _, l := range chunk {
			g := group{l.Reason, l.MergedInto}
			if _, ok := groups[g]; !ok {
				order = append(order, g)
			}
			groups[g] = append(groups[g], l.ContactID)
		}
		err := st.tx(ctx, func(tx *sql.Tx) error {
			for _, g := range order {
				ids := int64Args(groups[g])
				where := ` WHERE in_good_standing AND contact_id IN (` + placeholders(len(ids)) + `)` + notOverridden
				args := append(append([]any{at, roster.ActionLapsed, g.reason, runID, g.merged}, ids...), at)
				if _, err := tx.ExecContext(ctx, `
					INSERT INTO audit_log (at, actor, action, contact_id, details)
					SELECT ?, 'sync', ?, contact_id, JSON_OBJECT('reason', ?, 'run', ?, 'merged_into', NULLIF(?, 0))
					FROM members`+where+` ORDER BY contact_id`, args...); err != nil {
					return fmt.Errorf("store: audit lapses: %w", err)
				}
				args = append(append([]any{at, g.reason}, ids...), at)
				if _, err := tx.ExecContext(ctx, `UPDATE members SET in_good_standing = FALSE, lapsed_at = ?, lapse_reason = ?`+
					where, args...); err != nil {
					return fmt.Errorf("store: lapse members: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func releaseOverrides(ctx context.Context, tx *sql.Tx, runID int64, at time.Time, ids []int64) error {
	where := ` WHERE released_at IS NULL AND until_at <= ? AND contact_id IN (` + placeholders(len(ids)) + `)`
	args := append([]any{at}, int64Args(ids)...)
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO audit_log (at, actor, action, contact_id, details)
		SELECT ?, 'sync', ?, contact_id, JSON_OBJECT('reason', CONCAT('override expired, standing from CiviCRM again: ', reason), 'run', ?)
		FROM member_overrides`+where, append([]any{at, roster.ActionOverrideExpired, runID}, args...)...); err != nil {
		return fmt.Errorf("store: audit expired overrides: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE member_overrides SET released_at = ?`+where, append([]any{at}, args...)...); err != nil {
		return fmt.Errorf("store: release expired overrides: %w", err)
	}
	return nil
}

var _ roster.Store = (*DB)(nil)
