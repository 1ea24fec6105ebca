package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// PostalVoter is a member of an election's roll who needs a printed letter: their link's
// generation (the link itself is derived again when printing, never stored) and why.
type PostalVoter struct {
	ContactID  int64
	Generation int
	NoEmail    bool // the roster mirror has no email for them; otherwise their email is on hold
}

// PostalVoters lists the members of election slug's roll whose link is live and who are
// in good standing, and who have no email in the roster mirror or whose contact id is in
// held (emails CiviCRM holds after bounces or an opt-out), in contact id order.
func (s *DB) PostalVoters(ctx context.Context, slug string, held []int64) ([]PostalVoter, error) {
	e, err := s.GetElection(ctx, slug)
	if err != nil {
		return nil, err
	}
	const live = `FROM voters v JOIN members m ON m.contact_id = v.contact_id
		WHERE v.election_id = ? AND v.token_hash IS NOT NULL AND v.revoked_at IS NULL AND m.in_good_standing = TRUE`
	byID := map[int64]PostalVoter{}
	read := func(query string, args ...any) error {
		rows, err := s.sql.QueryContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("store: members of %s who need a letter: %w", slug, err)
		}
		defer rows.Close()
		for rows.Next() {
			var v PostalVoter
			if err := rows.Scan(&v.ContactID, &v.Generation, &v.NoEmail); err != nil {
				return fmt.Errorf("store: members of %s who need a letter: %w", slug, err)
			}
			byID[v.ContactID] = v
		}
		return rows.Err()
	}
	if err := read(`SELECT v.contact_id, v.generation, TRUE `+live+` AND m.email IS NULL`, e.ID); err != nil {
		return nil, err
	}
	for chunk := range slices.Chunk(held, 1000) {
		args := []any{e.ID}
		for _, id := range chunk {
			args = append(args, id)
		}
		q := `SELECT v.contact_id, v.generation, m.email IS NULL ` + live +
			` AND v.contact_id IN (?` + strings.Repeat(",?", len(chunk)-1) + `)`
		if err := read(q, args...); err != nil {
			return nil, err
		}
	}
	out := make([]PostalVoter, 0, len(byID))
	for _, v := range byID {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b PostalVoter) int { return int(a.ContactID - b.ContactID) })
	return out, nil
}
