package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/roster"
)

// rollChunk is how many members one transaction of the roll changes: a 20,000-member roll
// is issued in 20 short transactions, so member pages and casting never wait long for the
// election's lock.
const rollChunk = 1000

// IssueReport says what issuing or reconciling an election's roll of links did.
type IssueReport struct {
	Election string
	// Issued is how many members in good standing got their first link.
	Issued int
	// Restored is how many members whose link was revoked are in good standing again and
	// were added back to the election's group.
	Restored int
	// Revoked is how many members lapsed: their link lets them see why they cannot take
	// part, and they were removed from the election's group so mailings skip them.
	Revoked int
	// Held is how many members in good standing got no link because they became eligible
	// after the roll closed (roll_closes).
	Held int
	// RollClosed is set when this call recorded the roll's closing in the audit log.
	RollClosed bool
}

// Changed reports whether the roll changed.
func (r IssueReport) Changed() bool { return r.Issued+r.Restored+r.Revoked > 0 || r.RollClosed }

// IssueLinks brings the roll of election slug up to date with the members table, as
// `civivote tokens issue` does: every member in good standing without a link gets one
// (derived from lc.Secret; only its hash is stored), members who lapsed are revoked and
// members who came back restored. Each change queues its CiviCRM writes (the link field, the
// election's group) in the same transaction. It is idempotent, refuses once voting has
// closed, and gives no link to members who became eligible after roll_closes. Every
// transaction's counts are audited with actor.
func (s *DB) IssueLinks(ctx context.Context, slug string, lc LinkConfig, actor string, now time.Time) (IssueReport, error) {
	rep := IssueReport{Election: slug}
	if err := lc.check(); err != nil {
		return rep, err
	}
	e, err := s.GetElection(ctx, slug)
	if err != nil {
		return rep, err
	}
	if err := checkIssuable(e, now); err != nil {
		return rep, err
	}
	for _, step := range []func(context.Context, *sql.Tx, *StoredElection, LinkConfig, time.Time, *IssueReport) (int, error){
		s.revokeLapsed, s.restoreReturned, s.issueNew,
	} {
		for {
			var n int
			err := s.rollTx(ctx, slug, now, func(tx *sql.Tx, e *StoredElection) error {
				var chunk IssueReport
				var err error
				if n, err = step(ctx, tx, e, lc, now, &chunk); err != nil || !chunk.Changed() {
					return err
				}
				rep.Issued, rep.Restored, rep.Revoked = rep.Issued+chunk.Issued, rep.Restored+chunk.Restored, rep.Revoked+chunk.Revoked
				return audit(ctx, tx, now, actor, ActionLinksIssued, e.ID,
					map[string]any{"issued": chunk.Issued, "restored": chunk.Restored, "revoked": chunk.Revoked})
			})
			if err != nil {
				return rep, err
			}
			if n < rollChunk {
				break
			}
		}
	}
	err = s.rollTx(ctx, slug, now, func(tx *sql.Tx, e *StoredElection) error {
		var err error
		if rep.Held, err = countHeld(ctx, tx, e, now); err != nil {
			return err
		}
		rep.RollClosed, err = recordRollClosedTx(ctx, tx, e, now)
		return err
	})
	return rep, err
}

// rollTx runs fn in a transaction that holds the election's row lock, so changes to one
// roll (and the election's state changes) happen one at a time, after checking again that
// links may still be issued. fn's changes are counted on a retry only once: they roll back.
func (s *DB) rollTx(ctx context.Context, slug string, now time.Time, fn func(*sql.Tx, *StoredElection) error) error {
	return s.retryDeadlock(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, slug, " FOR UPDATE")
		if err != nil {
			return err
		}
		if err := checkIssuable(e, now); err != nil {
			return err
		}
		return fn(tx, e)
	})
}

// electionGroup is the CiviCRM group of the election's roll.
func electionGroup(e *StoredElection) outbox.Group {
	return outbox.ElectionGroup(e.Definition.Slug, e.Definition.Title)
}

type rollEntry struct {
	contactID   int64
	revocations int
}

func readRollEntries(ctx context.Context, tx *sql.Tx, what, query string, args ...any) ([]rollEntry, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []rollEntry
	for rows.Next() {
		var r rollEntry
		if err := rows.Scan(&r.contactID, &r.revocations); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// setRevoked marks the entries' links revoked (with revoked_at and one more revocation) or
// restored (at nil).
func setRevoked(ctx context.Context, tx *sql.Tx, electionID int64, entries []rollEntry, at any) error {
	args := []any{at, at, electionID}
	for _, r := range entries {
		args = append(args, r.contactID)
	}
	_, err := tx.ExecContext(ctx, `UPDATE voters SET revoked_at = ?, revocations = revocations + IF(? IS NULL, 0, 1)
		WHERE election_id = ? AND contact_id IN (`+placeholders(len(entries))+`)`, args...)
	return err
}

// revokeLapsed revokes the links of up to rollChunk members who are no longer in good
// standing, removing them from the election's group.
func (s *DB) revokeLapsed(ctx context.Context, tx *sql.Tx, e *StoredElection, _ LinkConfig, now time.Time, rep *IssueReport) (int, error) {
	lapsed, err := readRollEntries(ctx, tx, "find lapsed voters", `
		SELECT v.contact_id, v.revocations FROM voters v LEFT JOIN members m ON m.contact_id = v.contact_id
		WHERE v.election_id = ? AND v.revoked_at IS NULL AND NOT COALESCE(m.in_good_standing, FALSE)
		ORDER BY v.contact_id LIMIT ?`, e.ID, rollChunk)
	if err != nil || len(lapsed) == 0 {
		return 0, err
	}
	if err := setRevoked(ctx, tx, e.ID, lapsed, now.UTC()); err != nil {
		return 0, fmt.Errorf("store: revoke lapsed voters in %s: %w", e.Definition.Slug, err)
	}
	items := make([]outbox.Item, 0, len(lapsed))
	for _, r := range lapsed {
		items = append(items, outbox.RemoveFromGroup(outbox.Membership{Group: electionGroup(e), ContactID: r.contactID, Round: r.revocations + 1}))
	}
	if _, err := s.Outbox().EnqueueTx(ctx, tx, items); err != nil {
		return 0, err
	}
	rep.Revoked = len(lapsed)
	return len(lapsed), nil
}

// restoreReturned restores the links of up to rollChunk revoked members who are in good
// standing again, adding them back to the election's group. A member on the roll who lapsed
// and returned is restored even after the roll closed: they did not join it late.
func (s *DB) restoreReturned(ctx context.Context, tx *sql.Tx, e *StoredElection, _ LinkConfig, now time.Time, rep *IssueReport) (int, error) {
	back, err := readRollEntries(ctx, tx, "find returned voters", `
		SELECT v.contact_id, v.revocations FROM voters v JOIN members m ON m.contact_id = v.contact_id
		WHERE v.election_id = ? AND v.revoked_at IS NOT NULL AND m.in_good_standing
		ORDER BY v.contact_id LIMIT ?`, e.ID, rollChunk)
	if err != nil || len(back) == 0 {
		return 0, err
	}
	if err := setRevoked(ctx, tx, e.ID, back, nil); err != nil {
		return 0, fmt.Errorf("store: restore returned voters in %s: %w", e.Definition.Slug, err)
	}
	items := make([]outbox.Item, 0, len(back))
	for _, r := range back {
		items = append(items, outbox.AddToGroup(outbox.Membership{Group: electionGroup(e), ContactID: r.contactID, Round: r.revocations}))
	}
	if _, err := s.Outbox().EnqueueTx(ctx, tx, items); err != nil {
		return 0, err
	}
	rep.Restored = len(back)
	return len(back), nil
}

// heldClause keeps off the roll, once roll_closes has passed, members who became eligible
// at or after it: first seen then, or made current again by a sync then.
const heldClause = ` (m.first_seen_at >= ? OR EXISTS (SELECT 1 FROM audit_log a
	WHERE a.contact_id = m.contact_id AND a.action = '` + roster.ActionReactivated + `' AND a.at >= ?))`

// newMembers is the query of members in good standing without a link; extra narrows it.
const newMembers = ` FROM members m LEFT JOIN voters v ON v.election_id = ? AND v.contact_id = m.contact_id
	WHERE m.in_good_standing AND v.contact_id IS NULL`

// issueNew gives up to rollChunk members in good standing without a link their first link.
func (s *DB) issueNew(ctx context.Context, tx *sql.Tx, e *StoredElection, lc LinkConfig, now time.Time, rep *IssueReport) (int, error) {
	query, args := `SELECT m.contact_id, 0`+newMembers, []any{e.ID}
	if !e.Definition.RollOpen(now) {
		rc := e.Definition.RollCloses.UTC()
		query, args = query+` AND NOT`+heldClause, append(args, rc, rc)
	}
	fresh, err := readRollEntries(ctx, tx, "find members without a link", query+` ORDER BY m.contact_id LIMIT ?`, append(args, rollChunk)...)
	if err != nil || len(fresh) == 0 {
		return 0, err
	}
	slug, at := e.Definition.Slug, now.UTC()
	// A member who joins the roll while voting is open has not voted yet: the reminder
	// group the opening of voting filled (enterVotingOpenTx) gets them too.
	voting := e.State == election.VotingOpen
	vals := make([]any, 0, len(fresh)*4)
	items := make([]outbox.Item, 0, 3*len(fresh))
	for _, r := range fresh {
		vals = append(vals, e.ID, r.contactID, lc.tokenHash(slug, r.contactID, 0), at)
		items = append(items, lc.link(slug, r.contactID, 0),
			outbox.AddToGroup(outbox.Membership{Group: electionGroup(e), ContactID: r.contactID}))
		if voting {
			items = append(items, outbox.AddToGroup(outbox.Membership{
				Group: outbox.NotVotedGroup(slug, e.Definition.Title), ContactID: r.contactID}))
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO voters (election_id, contact_id, generation, token_hash, issued_at) VALUES `+
		"(?,?,0,?,?)"+strings.Repeat(",(?,?,0,?,?)", len(fresh)-1), vals...); err != nil {
		return 0, fmt.Errorf("store: issue %d links in %s: %w", len(fresh), slug, err)
	}
	if _, err := s.Outbox().EnqueueTx(ctx, tx, items); err != nil {
		return 0, err
	}
	rep.Issued = len(fresh)
	return len(fresh), nil
}

// countHeld counts the members in good standing kept off a closed roll.
func countHeld(ctx context.Context, tx *sql.Tx, e *StoredElection, now time.Time) (int, error) {
	if e.Definition.RollOpen(now) {
		return 0, nil
	}
	rc := e.Definition.RollCloses.UTC()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*)`+newMembers+` AND`+heldClause, e.ID, rc, rc).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count members kept off the closed roll of %s: %w", e.Definition.Slug, err)
	}
	return n, nil
}

// recordRollClosedTx writes, once, that the roll of e closed: the rule in force and how many
// links were live. It does nothing before roll_closes, for an election without one, and
// after the first time (elections.roll_closed_at).
func recordRollClosedTx(ctx context.Context, tx *sql.Tx, e *StoredElection, now time.Time) (bool, error) {
	d := e.Definition
	if d.RollOpen(now) {
		return false, nil
	}
	var recorded sql.NullTime
	if err := tx.QueryRowContext(ctx, `SELECT roll_closed_at FROM elections WHERE id = ?`, e.ID).Scan(&recorded); err != nil {
		return false, fmt.Errorf("store: roll of %s: %w", d.Slug, err)
	}
	if recorded.Valid {
		return false, nil
	}
	var size, revoked int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(revoked_at IS NOT NULL), 0) FROM voters WHERE election_id = ?`,
		e.ID).Scan(&size, &revoked); err != nil {
		return false, fmt.Errorf("store: roll of %s: %w", d.Slug, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE elections SET roll_closed_at = ? WHERE id = ?`, now.UTC(), e.ID); err != nil {
		return false, fmt.Errorf("store: close the roll of %s: %w", d.Slug, err)
	}
	rule := fmt.Sprintf("members who become eligible at or after %s get no link", election.FormatTime(d.RollCloses, d.Location))
	err := audit(ctx, tx, now, "scheduler", ActionRollClosed, e.ID, map[string]any{
		"rule": rule, "roll_closes": d.RollCloses.UTC(), "size": size - revoked, "revoked": revoked})
	return err == nil, err
}
