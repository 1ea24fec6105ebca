package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/civivote/civivote/roster"
)

// Overrides returns the overrides no sync has taken back yet.
func (s *DB) Overrides(ctx context.Context) ([]roster.Override, error) {
	rows, err := s.sql.QueryContext(ctx, `
		SELECT contact_id, eligible, reason, until_at, actor, set_at
		FROM member_overrides WHERE released_at IS NULL ORDER BY contact_id`)
	if err != nil {
		return nil, fmt.Errorf("store: list overrides: %w", err)
	}
	defer rows.Close()
	var out []roster.Override
	for rows.Next() {
		var o roster.Override
		if err := rows.Scan(&o.ContactID, &o.Eligible, &o.Reason, &o.Until, &o.Actor, &o.SetAt); err != nil {
			return nil, fmt.Errorf("store: list overrides: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list overrides: %w", err)
	}
	return out, nil
}

// SetOverride records o (replacing any earlier override of the contact), applies it to the
// member at once (creating a bare member row for a contact never mirrored, so the roll
// holds it), and audits it, in one transaction.
func (s *DB) SetOverride(ctx context.Context, o roster.Override) error {
	at := o.SetAt.UTC()
	reason := "override by " + o.Actor + ": " + o.Reason
	details, err := json.Marshal(map[string]any{"eligible": o.Eligible, "reason": o.Reason,
		"until": o.Until.UTC().Format(time.RFC3339)})
	if err != nil {
		return fmt.Errorf("store: override contact %d: %w", o.ContactID, err)
	}
	return s.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO member_overrides (contact_id, eligible, reason, until_at, actor, set_at, released_at)
			VALUES (?, ?, ?, ?, ?, ?, NULL)
			ON DUPLICATE KEY UPDATE eligible = VALUES(eligible), reason = VALUES(reason),
			  until_at = VALUES(until_at), actor = VALUES(actor), set_at = VALUES(set_at), released_at = NULL`,
			o.ContactID, o.Eligible, o.Reason, o.Until.UTC(), o.Actor, at); err != nil {
			return fmt.Errorf("store: override contact %d: %w", o.ContactID, err)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO members (contact_id, in_good_standing, first_seen_at, last_seen_at, lapsed_at, lapse_reason)
			VALUES (?, ?, ?, ?, IF(?, NULL, ?), IF(?, NULL, ?))
			ON DUPLICATE KEY UPDATE
			  lapsed_at = IF(VALUES(in_good_standing), NULL, IF(in_good_standing, VALUES(lapsed_at), lapsed_at)),
			  lapse_reason = IF(VALUES(in_good_standing), NULL, VALUES(lapse_reason)),
			  in_good_standing = VALUES(in_good_standing)`,
			o.ContactID, o.Eligible, at, at, o.Eligible, at, o.Eligible, reason); err != nil {
			return fmt.Errorf("store: override contact %d: apply to the member: %w", o.ContactID, err)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO audit_log (at, actor, action, contact_id, details) VALUES (?, ?, ?, ?, ?)`,
			at, o.Actor, roster.ActionOverride, o.ContactID, string(details)); err != nil {
			return fmt.Errorf("store: override contact %d: audit: %w", o.ContactID, err)
		}
		return nil
	})
}
