package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/civivote/civivote/roster"
)

// abandonedRun is the error recorded for a run whose process died before it finished.
const abandonedRun = "the process running this sync stopped before it finished (killed, crashed or lost its database); " +
	"a run applies nothing until it has read the whole roster, and the next run did the work"

// StartRun records a roster sync run that has begun and returns its id.
//
// Every sync runs under the cluster-wide roster-sync lease, so a run still marked running
// when another starts belongs to a process that died (kill -9, a crash): it is recorded as
// failed then, rather than showing as running forever.
func (s *DB) StartRun(ctx context.Context, r roster.Run) (int64, error) {
	var id int64
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sync_runs SET outcome = ?, finished_at = ?, error = ? WHERE outcome = ?`,
			string(roster.OutcomeFailed), r.StartedAt.UTC(), abandonedRun, string(roster.OutcomeRunning)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO sync_runs (started_at, trigger_by, actor, forced, dry_run, outcome)
			VALUES (?, ?, ?, ?, ?, ?)`,
			r.StartedAt.UTC(), r.Trigger, r.Actor, r.Forced, r.DryRun, string(r.Outcome))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: start sync run: %w", err)
	}
	return id, nil
}

// FinishRun records how run r.ID ended.
func (s *DB) FinishRun(ctx context.Context, r roster.Run) error {
	var expected any
	if r.Expected >= 0 {
		expected = r.Expected
	}
	_, err := s.sql.ExecContext(ctx, `
		UPDATE sync_runs SET finished_at = ?, outcome = ?, reason = NULLIF(?, ''), error = NULLIF(?, ''),
		  pages = ?, fetched = ?, expected = ?, contacts = ?, added = ?, updated = ?, lapsed = ?,
		  reactivated = ?, unchanged = ?, without_email = ?, stale = ?
		WHERE id = ?`,
		r.FinishedAt.UTC(), string(r.Outcome), r.Reason, r.Error,
		r.Pages, r.Fetched, expected, r.Contacts, r.Added, r.Updated, r.Lapsed,
		r.Reactivated, max(r.Unchanged, 0), r.WithoutEmail, r.Stale, r.ID)
	if err != nil {
		return fmt.Errorf("store: finish sync run %d: %w", r.ID, err)
	}
	return nil
}

// Runs returns the latest limit sync runs, newest first.
func (s *DB) Runs(ctx context.Context, limit int) ([]roster.Run, error) {
	rows, err := s.sql.QueryContext(ctx, `
		SELECT id, started_at, finished_at, trigger_by, actor, forced, dry_run, outcome, reason, error,
		  pages, fetched, expected, contacts, added, updated, lapsed, reactivated, unchanged, without_email, stale
		FROM sync_runs ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list sync runs: %w", err)
	}
	defer rows.Close()
	var out []roster.Run
	for rows.Next() {
		var (
			r               roster.Run
			finished        sql.NullTime
			outcome         string
			reason, errText sql.NullString
			expected        sql.NullInt64
		)
		if err := rows.Scan(&r.ID, &r.StartedAt, &finished, &r.Trigger, &r.Actor, &r.Forced, &r.DryRun,
			&outcome, &reason, &errText, &r.Pages, &r.Fetched, &expected, &r.Contacts, &r.Added, &r.Updated,
			&r.Lapsed, &r.Reactivated, &r.Unchanged, &r.WithoutEmail, &r.Stale); err != nil {
			return nil, fmt.Errorf("store: list sync runs: %w", err)
		}
		r.FinishedAt, r.Outcome, r.Reason, r.Error = finished.Time, roster.Outcome(outcome), reason.String, errText.String
		r.Expected = -1
		if expected.Valid {
			r.Expected = int(expected.Int64)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list sync runs: %w", err)
	}
	return out, nil
}

// LastSuccess returns when the latest applied sync run finished, zero if none has.
func (s *DB) LastSuccess(ctx context.Context) (time.Time, error) {
	var t sql.NullTime
	if err := s.sql.QueryRowContext(ctx,
		`SELECT MAX(finished_at) FROM sync_runs WHERE outcome = ?`, string(roster.OutcomeSucceeded)).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("store: last successful sync: %w", err)
	}
	return t.Time, nil
}

// MirrorVersion returns the latest audit entry and the latest applied sync run: together
// they change whenever the members table may have.
func (s *DB) MirrorVersion(ctx context.Context) (roster.MirrorVersion, error) {
	var v roster.MirrorVersion
	if err := s.sql.QueryRowContext(ctx, `SELECT
		  (SELECT COALESCE(MAX(id), 0) FROM audit_log),
		  (SELECT COALESCE(MAX(id), 0) FROM sync_runs WHERE outcome = ?)`,
		string(roster.OutcomeSucceeded)).Scan(&v.LastAuditID, &v.LastAppliedRun); err != nil {
		return roster.MirrorVersion{}, fmt.Errorf("store: mirror version: %w", err)
	}
	return v, nil
}
