package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/civivote/civivote/roster"
)

// Roll streams every mirrored member in ascending contact id: the little a sync keeps in
// memory to recognise unchanged members.
func (s *DB) Roll(ctx context.Context, fn func(roster.RollEntry) error) error {
	rows, err := s.sql.QueryContext(ctx,
		`SELECT contact_id, row_hash, membership_count, in_good_standing FROM members FORCE INDEX (members_roll) ORDER BY contact_id`)
	if err != nil {
		return fmt.Errorf("store: read the roll: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e roster.RollEntry
		if err := rows.Scan(&e.ContactID, &e.Hash, &e.Memberships, &e.InGoodStanding); err != nil {
			return fmt.Errorf("store: read the roll: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read the roll: %w", err)
	}
	return nil
}

const memberColumns = `contact_id, membership_id, display_name, email, external_id, membership_type,
	membership_status, membership_count, join_date, start_date, end_date, row_hash,
	in_good_standing, first_seen_at, last_seen_at, lapsed_at, lapse_reason`

type scanner interface{ Scan(dest ...any) error }

func scanMember(sc scanner) (roster.MemberRecord, error) {
	var (
		m                        roster.MemberRecord
		email, external, reason  sql.NullString
		join, start, end, lapsed sql.NullTime
	)
	err := sc.Scan(&m.ContactID, &m.MembershipID, &m.DisplayName, &email, &external, &m.Type,
		&m.Status, &m.Memberships, &join, &start, &end, &m.Hash,
		&m.InGoodStanding, &m.FirstSeenAt, &m.LastSeenAt, &lapsed, &reason)
	m.Email, m.ExternalID, m.LapseReason = email.String, external.String, reason.String
	m.JoinDate, m.StartDate, m.EndDate, m.LapsedAt = join.Time, start.Time, end.Time, lapsed.Time
	return m, err
}

// Member returns the mirrored member with the given contact id.
func (s *DB) Member(ctx context.Context, contactID int64) (roster.MemberRecord, error) {
	m, err := scanMember(s.sql.QueryRowContext(ctx,
		`SELECT `+memberColumns+` FROM members WHERE contact_id = ?`, contactID))
	if errors.Is(err, sql.ErrNoRows) {
		return roster.MemberRecord{}, fmt.Errorf("store: member %d: %w", contactID, roster.ErrNotFound)
	}
	if err != nil {
		return roster.MemberRecord{}, fmt.Errorf("store: member %d: %w", contactID, err)
	}
	return m, nil
}

// History returns the latest limit eligibility changes of a contact, newest first.
func (s *DB) History(ctx context.Context, contactID int64, limit int) ([]roster.Event, error) {
	rows, err := s.sql.QueryContext(ctx, `
		SELECT at, actor, action, COALESCE(JSON_UNQUOTE(JSON_EXTRACT(details, '$.reason')), '')
		FROM audit_log WHERE contact_id = ? AND action LIKE 'member.%'
		ORDER BY id DESC LIMIT ?`, contactID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: history of member %d: %w", contactID, err)
	}
	defer rows.Close()
	var out []roster.Event
	for rows.Next() {
		var e roster.Event
		if err := rows.Scan(&e.At, &e.Actor, &e.Action, &e.Reason); err != nil {
			return nil, fmt.Errorf("store: history of member %d: %w", contactID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: history of member %d: %w", contactID, err)
	}
	return out, nil
}

// CountWithoutEmail counts members in good standing without an email: they need another
// way to get their voting link.
func (s *DB) CountWithoutEmail(ctx context.Context) (int, error) {
	var n int
	if err := s.sql.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM members WHERE email IS NULL AND in_good_standing = TRUE`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count members without email: %w", err)
	}
	return n, nil
}
