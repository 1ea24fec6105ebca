package store

import (
	"context"
	"fmt"
	"time"
)

// AcquireLease makes holder the holder of the named lease for ttl, for the scheduled tick
// given, and reports whether it did. It fails (false, nil) while another holder's lease is
// unexpired, and when this tick was already taken, by anyone: replicas whose timers all fire
// for the same tick run the job once between them. A zero tick means "not a scheduled
// run" (a manual trigger) and skips the tick check.
//
// Leases are plain rows updated with a conditional UPDATE, not GET_LOCK, so they work on
// MySQL-compatible distributed engines and survive a holder's crash by expiring.
func (s *DB) AcquireLease(ctx context.Context, name, holder string, tick time.Time, ttl time.Duration) (bool, error) {
	now := s.now().UTC()
	if _, err := s.sql.ExecContext(ctx,
		`INSERT IGNORE INTO leases (name, holder, acquired_at, expires_at) VALUES (?, '', ?, ?)`,
		name, now, now); err != nil {
		return false, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	var tickArg any
	if !tick.IsZero() {
		tickArg = tick.UTC()
	}
	res, err := s.sql.ExecContext(ctx, `
		UPDATE leases
		SET holder = ?, acquired_at = ?, expires_at = ?, last_tick = COALESCE(?, last_tick)
		WHERE name = ?
		  AND (expires_at <= ? OR holder = ?)
		  AND (? IS NULL OR last_tick IS NULL OR last_tick < ?)`,
		holder, now, now.Add(ttl), tickArg,
		name,
		now, holder,
		tickArg, tickArg)
	if err != nil {
		return false, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	return n == 1, nil
}

// RenewLease extends holder's lease by ttl from now and reports whether holder still had it.
func (s *DB) RenewLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	now := s.now().UTC()
	res, err := s.sql.ExecContext(ctx,
		`UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?`,
		now.Add(ttl), name, holder, now)
	if err != nil {
		return false, fmt.Errorf("store: renew lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: renew lease %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease ends holder's lease now so the next tick can go to any replica. The tick it
// ran stays recorded.
func (s *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.sql.ExecContext(ctx,
		`UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?`, s.now().UTC(), name, holder)
	if err != nil {
		return fmt.Errorf("store: release lease %s: %w", name, err)
	}
	return nil
}

// Lease is the state of one lease, for the dashboard and tests.
type Lease struct {
	Name       string
	Holder     string
	AcquiredAt time.Time
	ExpiresAt  time.Time
	LastTick   *time.Time
}

// Leases lists every lease.
func (s *DB) Leases(ctx context.Context) ([]Lease, error) {
	rows, err := s.sql.QueryContext(ctx, `SELECT name, holder, acquired_at, expires_at, last_tick FROM leases ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list leases: %w", err)
	}
	defer rows.Close()
	var out []Lease
	for rows.Next() {
		var l Lease
		if err := rows.Scan(&l.Name, &l.Holder, &l.AcquiredAt, &l.ExpiresAt, &l.LastTick); err != nil {
			return nil, fmt.Errorf("store: list leases: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
