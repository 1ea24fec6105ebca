package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// What the committee's dashboard reads beyond the admin API: counts and lookups that no
// other command needs.

// CountInGoodStanding counts the mirrored members in good standing.
func (s *DB) CountInGoodStanding(ctx context.Context) (int, error) {
	var n int
	if err := s.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM members WHERE in_good_standing = TRUE`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count members in good standing: %w", err)
	}
	return n, nil
}

// MembersByEmail returns the contact ids of the mirrored members with this email address
// (the column's collation ignores case; surrounding spaces are trimmed), lowest first.
func (s *DB) MembersByEmail(ctx context.Context, email string) ([]int64, error) {
	rows, err := s.sql.QueryContext(ctx, `SELECT contact_id FROM members WHERE email = ? ORDER BY contact_id LIMIT 50`,
		strings.TrimSpace(email))
	if err != nil {
		return nil, fmt.Errorf("store: find members by email: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: find members by email: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: find members by email: %w", err)
	}
	return out, nil
}

// CandidateDeclarations returns, by candidate id, the declarations each candidate in
// election slug ticked when nominating.
func (s *DB) CandidateDeclarations(ctx context.Context, slug string) (map[int64][]string, error) {
	e, err := loadElection(ctx, s.sql, slug, "")
	if err != nil {
		return nil, err
	}
	rows, err := s.sql.QueryContext(ctx, `SELECT id, declarations FROM candidates WHERE election_id = ?`, e.ID)
	if err != nil {
		return nil, fmt.Errorf("store: declarations of %s: %w", slug, err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var (
			id  int64
			raw []byte
		)
		if err := rows.Scan(&id, &raw); err != nil {
			return nil, fmt.Errorf("store: declarations of %s: %w", slug, err)
		}
		var decl []string
		if err := json.Unmarshal(raw, &decl); err != nil {
			return nil, fmt.Errorf("store: declarations of candidate %d: %w", id, err)
		}
		out[id] = decl
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: declarations of %s: %w", slug, err)
	}
	return out, nil
}

// MemberRoll is a contact's place on one election's roll, as the committee's member lookup
// shows it: whether a link was issued and reached CiviCRM, and whether the member voted
// (never how).
type MemberRoll struct {
	Slug       string
	Generation int
	IssuedAt   time.Time
	RevokedAt  time.Time // zero while the link works
	Voted      bool
	// LinkState is the outbox state of the current link's write to CiviCRM (pending, done,
	// failed, superseded), "" when none was queued; LinkError is CiviCRM's last refusal.
	LinkState string
	LinkError string
}

// MemberRolls returns the rolls the contact is on, one entry per election.
func (s *DB) MemberRolls(ctx context.Context, contactID int64) ([]MemberRoll, error) {
	rows, err := s.sql.QueryContext(ctx, `
		SELECT e.slug, v.generation, v.issued_at, v.revoked_at, v.voted, COALESCE(o.state, ''), COALESCE(o.last_error, '')
		FROM voters v JOIN elections e ON e.id = v.election_id
		LEFT JOIN outbox o ON o.dedupe_key = CONCAT('link:', e.slug, ':', v.contact_id, ':', v.generation)
		WHERE v.contact_id = ? ORDER BY e.id`, contactID)
	if err != nil {
		return nil, fmt.Errorf("store: rolls of member %d: %w", contactID, err)
	}
	defer rows.Close()
	var out []MemberRoll
	for rows.Next() {
		var (
			m       MemberRoll
			revoked sql.NullTime
		)
		if err := rows.Scan(&m.Slug, &m.Generation, &m.IssuedAt, &revoked, &m.Voted, &m.LinkState, &m.LinkError); err != nil {
			return nil, fmt.Errorf("store: rolls of member %d: %w", contactID, err)
		}
		m.RevokedAt = revoked.Time
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: rolls of member %d: %w", contactID, err)
	}
	return out, nil
}
