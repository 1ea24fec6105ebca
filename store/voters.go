package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
)

// Audit actions written for the roll of personal links.
const (
	ActionLinksIssued  = "links.issued"
	ActionLinkReissued = "link.reissued"
	ActionRollClosed   = "roll.closed"
)

// LinkConfig is what issuing a personal link needs: the secret tokens are derived from
// (CIVIVOTE_TOKEN_SECRET) and the CiviCRM contact field the link is written to
// (CIVIVOTE_CIVICRM_LINK_FIELD).
type LinkConfig struct {
	Secret []byte
	Field  string
}

func (lc LinkConfig) check() error {
	if len(lc.Secret) == 0 || lc.Field == "" {
		return errors.New("store: personal links need the token secret and the CiviCRM link field (CIVIVOTE_TOKEN_SECRET, CIVIVOTE_CIVICRM_LINK_FIELD)")
	}
	return nil
}

// tokenHash is what the voters table keeps of the link of contact at generation.
func (lc LinkConfig) tokenHash(slug string, contactID int64, generation int) []byte {
	h := election.HashToken(election.DeriveToken(lc.Secret, slug, contactID, generation))
	return h[:]
}

// link is the outbox item that writes a voter's link to CiviCRM.
func (lc LinkConfig) link(slug string, contactID int64, generation int) outbox.Item {
	return outbox.SetLink(outbox.Link{Field: lc.Field, Election: slug, ContactID: contactID, Generation: generation})
}

// prefixed scans a row whose first columns are the caller's, then electionColumns', so
// scanElection reads the election part of a join.
type prefixed struct {
	row   rowScanner
	first []any
}

func (p prefixed) Scan(dest ...any) error { return p.row.Scan(append(p.first, dest...)...) }

// VoterByToken returns the member whose personal link has the token with SHA-256 hash, with
// the election as stored. An unknown token, and the old token of a link that was re-issued,
// give an error of kind election.ErrNotFound. A member who lapsed still gets their Voter,
// with InGoodStanding false (the latest sync's word), so the page can tell them why they
// cannot take part.
func (s *DB) VoterByToken(ctx context.Context, hash [32]byte) (*election.Voter, error) {
	var (
		v    election.Voter
		name sql.NullString
		good sql.NullBool
	)
	row := s.sql.QueryRowContext(ctx, `
		SELECT v.contact_id, v.generation, v.voted, m.display_name, m.in_good_standing,
		  e.id, e.slug, e.state, e.definition_hash, e.created_at, e.updated_at
		FROM voters v
		JOIN elections e ON e.id = v.election_id
		LEFT JOIN members m ON m.contact_id = v.contact_id
		WHERE v.token_hash = ?`, hash[:])
	e, err := s.scanCachedElection(ctx, prefixed{row, []any{&v.ContactID, &v.Generation, &v.Voted, &name, &good}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, election.Errorf(election.ErrNotFound,
			"this link is not valid: it may have been replaced by a newer one; use the latest link you were sent, or ask the election committee for a new one")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find voter by link: %w", unavailable(err))
	}
	v.Election, v.Name, v.InGoodStanding = &e.Election, name.String, good.Valid && good.Bool
	return &v, nil
}

// ReissueLink gives contact a new link in election slug, as `tokens reissue` does: the
// generation goes up, the old link stops working at once, and the new link is queued for
// CiviCRM (superseding the old one if that is still waiting). It is audited with actor.
func (s *DB) ReissueLink(ctx context.Context, slug string, contactID int64, lc LinkConfig, actor string, now time.Time) error {
	if err := lc.check(); err != nil {
		return err
	}
	return s.retryDeadlock(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, slug, " LOCK IN SHARE MODE")
		if err != nil {
			return err
		}
		if err := checkIssuable(e, now); err != nil {
			return err
		}
		var gen int
		err = tx.QueryRowContext(ctx, `SELECT generation FROM voters WHERE election_id = ? AND contact_id = ? FOR UPDATE`,
			e.ID, contactID).Scan(&gen)
		if errors.Is(err, sql.ErrNoRows) {
			return election.Errorf(election.ErrNotFound,
				"contact %d has no link in election %s: `civivote tokens issue %s` issues links to every member in good standing",
				contactID, slug, slug)
		}
		if err != nil {
			return fmt.Errorf("store: reissue link of contact %d in %s: %w", contactID, slug, err)
		}
		gen++
		if _, err := tx.ExecContext(ctx, `UPDATE voters SET generation = ?, token_hash = ?, issued_at = ? WHERE election_id = ? AND contact_id = ?`,
			gen, lc.tokenHash(slug, contactID, gen), now.UTC(), e.ID, contactID); err != nil {
			return fmt.Errorf("store: reissue link of contact %d in %s: %w", contactID, slug, err)
		}
		if _, err := s.Outbox().EnqueueTx(ctx, tx, []outbox.Item{lc.link(slug, contactID, gen)}); err != nil {
			return err
		}
		return auditMember(ctx, tx, now, actor, ActionLinkReissued, e.ID, contactID, map[string]any{"generation": gen})
	})
}

// checkIssuable refuses links for an election whose voting has closed.
func checkIssuable(e *StoredElection, now time.Time) error {
	if e.State.Before(election.VotingClosed) && now.Before(e.Definition.Voting.Closes) {
		return nil
	}
	return election.Errorf(election.ErrWrongState,
		"voting in %s has closed (the election is %s): links are no longer issued or re-issued", e.Definition.Slug, e.State)
}
