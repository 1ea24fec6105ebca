package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/go-sql-driver/mysql"
)

// Challenges returns the challenged ballots of election slug for the committee, open ones
// first, then in the order they were cast: who, why the roll left them off, their reason
// and the ruling. Never the choices.
func (s *DB) Challenges(ctx context.Context, slug string) ([]Challenge, error) {
	e, err := loadElection(ctx, s.sql, slug, "")
	if err != nil {
		return nil, err
	}
	rows, err := s.sql.QueryContext(ctx, `
		SELECT c.id, c.contact_id, COALESCE(m.display_name, ''), c.off_roll, c.reason, c.status, c.created_at, c.ruled_at
		FROM challenged_ballots c LEFT JOIN members m ON m.contact_id = c.contact_id
		WHERE c.election_id = ? ORDER BY c.status <> ?, c.id`, e.ID, string(election.ChallengeOpen))
	if err != nil {
		return nil, fmt.Errorf("store: challenged ballots of %s: %w", slug, err)
	}
	defer rows.Close()
	var out []Challenge
	for rows.Next() {
		var (
			c       Challenge
			offRoll string
			status  string
			ruled   sql.NullTime
		)
		if err := rows.Scan(&c.ID, &c.ContactID, &c.Name, &offRoll, &c.Reason, &status, &c.CreatedAt, &ruled); err != nil {
			return nil, fmt.Errorf("store: challenged ballots of %s: %w", slug, err)
		}
		c.OffRoll, c.Status, c.RuledAt = election.OffRoll(offRoll), election.ChallengeStatus(status), ruled.Time
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: challenged ballots of %s: %w", slug, err)
	}
	return out, nil
}

// RuleChallenge records the committee's ruling on challenged ballot id of election slug,
// audited with actor and reason (required). Accepting moves the ballot into `ballots`
// through the same insert as a cast (a fresh random id, the receipt code the member was
// shown) and marks the member as voted on the roll if they have a row there; rejecting
// destroys it. Either way the row's choices and receipt code are emptied in the same
// transaction, so nothing links the member to a ballot any more; what stays is that they
// challenged and how the committee ruled, which keeps them to one ballot. Rulings are
// final: a second is ErrConflict.
//
// A ruling may come after publication; the accepted ballot then joins ballots.json at
// once, and the committee publishes again so results.json counts it (`civivote publish`
// bumps the revision).
func (s *DB) RuleChallenge(ctx context.Context, slug string, id int64, accept bool, reason, actor string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return election.Errorf(election.ErrInvalid, "give the reason for the ruling on challenged ballot %d (--reason TEXT): it goes to the audit log", id)
	}
	return s.retryDeadlock(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, slug, " LOCK IN SHARE MODE")
		if err != nil {
			return err
		}
		var (
			contactID int64
			offRoll   string
			status    string
			choices   []byte
			receipt   sql.NullString
			castAt    time.Time
		)
		err = tx.QueryRowContext(ctx, `SELECT contact_id, off_roll, status, choices, receipt_code, created_at
			FROM challenged_ballots WHERE id = ? AND election_id = ? FOR UPDATE`, id, e.ID).
			Scan(&contactID, &offRoll, &status, &choices, &receipt, &castAt)
		if errors.Is(err, sql.ErrNoRows) {
			return election.Errorf(election.ErrNotFound, "there is no challenged ballot %d in %s; `civivote challenges list %s` lists them", id, slug, slug)
		}
		if err != nil {
			return fmt.Errorf("store: rule on challenged ballot %d in %s: %w", id, slug, err)
		}
		if st := election.ChallengeStatus(status); st != election.ChallengeOpen {
			return election.Errorf(election.ErrConflict, "challenged ballot %d in %s was already %s; rulings are final", id, slug, st)
		}
		action, ruling := ActionChallengeRejected, election.ChallengeRejected
		if accept {
			action, ruling = ActionChallengeAccepted, election.ChallengeAccepted
			if err := s.acceptChallengeTx(ctx, tx, &e.Election, contactID, choices, receipt.String, castAt); err != nil {
				return fmt.Errorf("store: accept challenged ballot %d in %s: %w", id, slug, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE challenged_ballots SET choices = NULL, receipt_code = NULL, status = ?, ruled_at = ?
			WHERE id = ?`, string(ruling), now.UTC(), id); err != nil {
			return fmt.Errorf("store: rule on challenged ballot %d in %s: %w", id, slug, err)
		}
		return auditMember(ctx, tx, now, actor, action, e.ID, contactID,
			map[string]any{"challenge": id, "off_roll": offRoll, "reason": reason})
	})
}

// acceptChallengeTx moves an accepted ballot into the count. Its choices are checked
// against the paper again, as every stored ballot's are.
func (s *DB) acceptChallengeTx(ctx context.Context, tx *sql.Tx, e *election.Election, contactID int64, choices []byte, receipt string, castAt time.Time) error {
	paper, err := s.BallotPaper(ctx, e)
	if err != nil {
		return err
	}
	if _, err := decodeChoices(paper, choices); err != nil {
		return err
	}
	if _, err := insertBallotKeeping(ctx, tx, e.ID, receipt, choices, rand.Reader); err != nil {
		return err
	}
	// The member's row on the roll, if any, says they voted, at the quarter hour they cast.
	_, err = tx.ExecContext(ctx, `UPDATE voters SET voted = TRUE, voted_at = ? WHERE election_id = ? AND contact_id = ? AND NOT voted`,
		castAt, e.ID, contactID)
	return err
}

// duplicateKey reports a duplicate-key error on the named unique key.
func duplicateKey(err error, key string) bool {
	var myErr *mysql.MySQLError
	return errors.As(err, &myErr) && myErr.Number == mysqlDuplicateKey && strings.Contains(myErr.Message, key+"'")
}
