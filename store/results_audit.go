package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEntry is one line of the audit log: who did what, when, never how anyone voted.
type AuditEntry struct {
	ID    int64
	At    time.Time
	Actor string
	// Action names what was done, e.g. "election.advanced" or "tie.resolved".
	Action string
	// Election is the slug of the election acted on; empty for actions on none.
	Election string
	// ContactID is the member acted on, or 0.
	ContactID int64
	Details   map[string]any
}

// MaxAuditPage is the most entries one AuditLog call returns.
const MaxAuditPage = 1000

// AuditLog returns up to limit audit entries with ids above afterID, oldest first: those
// of election slug, or of everything when slug is "". Page on with the last entry's id.
// limit ≤ 0 or above MaxAuditPage means MaxAuditPage. An unknown slug is an error of kind
// election.ErrNotFound.
func (s *DB) AuditLog(ctx context.Context, slug string, afterID int64, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > MaxAuditPage {
		limit = MaxAuditPage
	}
	query := `SELECT a.id, a.at, a.actor, a.action, COALESCE(e.slug, ''), COALESCE(a.contact_id, 0), a.details
		FROM audit_log a LEFT JOIN elections e ON e.id = a.election_id WHERE a.id > ?`
	args := []any{afterID}
	if slug != "" {
		e, err := s.GetElection(ctx, slug)
		if err != nil {
			return nil, err
		}
		query += ` AND a.election_id = ?`
		args = append(args, e.ID)
	}
	rows, err := s.sql.QueryContext(ctx, query+` ORDER BY a.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var (
			a       AuditEntry
			details []byte
		)
		if err := rows.Scan(&a.ID, &a.At, &a.Actor, &a.Action, &a.Election, &a.ContactID, &details); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		if err := json.Unmarshal(details, &a.Details); err != nil {
			return nil, fmt.Errorf("store: audit entry %d: %w", a.ID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return out, nil
}
