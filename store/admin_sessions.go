package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/civivote/civivote/election"
)

// The dashboard's sign-in sessions. The cookie holds a random id; the table only its
// SHA-256, so reading the table does not let anyone sign in.

// CreateAdminSession records a session of role (admin or observer) that ends at expires.
// Sessions that have already ended are deleted on the way, so the table stays small.
func (s *DB) CreateAdminSession(ctx context.Context, idHash [32]byte, role string, now, expires time.Time) error {
	if _, err := s.sql.ExecContext(ctx, `DELETE FROM admin_sessions WHERE expires_at <= ?`, now.UTC()); err != nil {
		return fmt.Errorf("store: delete ended admin sessions: %w", err)
	}
	if _, err := s.sql.ExecContext(ctx, `
		INSERT INTO admin_sessions (id_hash, role, created_at, expires_at, last_seen) VALUES (?, ?, ?, ?, ?)`,
		idHash[:], role, now.UTC(), expires.UTC(), now.UTC()); err != nil {
		return fmt.Errorf("store: create admin session: %w", err)
	}
	return nil
}

// AdminSession returns the role of the session whose id hashes to idHash and notes that it
// was seen at now. A session that does not exist or has ended is an error of kind
// election.ErrNotFound.
func (s *DB) AdminSession(ctx context.Context, idHash [32]byte, now time.Time) (string, error) {
	var role string
	err := s.sql.QueryRowContext(ctx, `SELECT role FROM admin_sessions WHERE id_hash = ? AND expires_at > ?`,
		idHash[:], now.UTC()).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", election.Errorf(election.ErrNotFound, "the session has ended: sign in again")
	}
	if err != nil {
		return "", fmt.Errorf("store: admin session: %w", err)
	}
	if _, err := s.sql.ExecContext(ctx, `UPDATE admin_sessions SET last_seen = ? WHERE id_hash = ?`, now.UTC(), idHash[:]); err != nil {
		return "", fmt.Errorf("store: admin session: %w", err)
	}
	return role, nil
}

// DeleteAdminSession ends a session (sign-out). Deleting one that is gone is not an error.
func (s *DB) DeleteAdminSession(ctx context.Context, idHash [32]byte) error {
	if _, err := s.sql.ExecContext(ctx, `DELETE FROM admin_sessions WHERE id_hash = ?`, idHash[:]); err != nil {
		return fmt.Errorf("store: delete admin session: %w", err)
	}
	return nil
}
