package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/civivote/civivote/election"
)

// Audit actions of challenged ballots. Their details never hold the choices.
const (
	ActionChallengeCast     = "challenge.cast"
	ActionChallengeAccepted = "challenge.accepted"
	ActionChallengeRejected = "challenge.rejected"
)

// Challenge is a challenged ballot as the committee sees it (never its choices).
type Challenge = election.Challenge

// OpenChallenges counts the challenged ballots of an election by ruling, for the tally
// and the published results.
func (s *DB) OpenChallenges(ctx context.Context, electionID int64) (election.ChallengeCounts, error) {
	var c election.ChallengeCounts
	rows, err := s.sql.QueryContext(ctx, `SELECT status, COUNT(*) FROM challenged_ballots WHERE election_id = ? GROUP BY status`, electionID)
	if err != nil {
		return c, fmt.Errorf("store: count challenged ballots of election %d: %w", electionID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			status string
			n      int
		)
		if err := rows.Scan(&status, &n); err != nil {
			return c, fmt.Errorf("store: count challenged ballots of election %d: %w", electionID, err)
		}
		switch election.ChallengeStatus(status) {
		case election.ChallengeOpen:
			c.Open = n
		case election.ChallengeAccepted:
			c.Accepted = n
		case election.ChallengeRejected:
			c.Rejected = n
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("store: count challenged ballots of election %d: %w", electionID, err)
	}
	return c, nil
}

// ChallengeVoter returns contact as a challenge link finds them in election slug: their
// name and standing as the roster has them (an unknown contact has no name and is not in
// good standing) and whether they voted through the roll.
func (s *DB) ChallengeVoter(ctx context.Context, slug string, contactID int64) (*election.Voter, error) {
	e, err := loadElection(ctx, s.sql, slug, "")
	if err != nil {
		return nil, err
	}
	v := &election.Voter{Election: &e.Election, ContactID: contactID}
	var (
		name sql.NullString
		good sql.NullBool
	)
	err = s.sql.QueryRowContext(ctx, `
		SELECT m.display_name, m.in_good_standing,
		  COALESCE((SELECT voted FROM voters WHERE election_id = ? AND contact_id = m.contact_id), FALSE)
		FROM members m WHERE m.contact_id = ?`, e.ID, contactID).Scan(&name, &good, &v.Voted)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: find contact %d for a challenged ballot in %s: %w", contactID, slug, err)
	}
	v.Name, v.InGoodStanding = name.String, good.Valid && good.Bool
	return v, nil
}

// Standing returns what the roll and the challenged ballots say of v now.
func (s *DB) Standing(ctx context.Context, v *election.Voter, now time.Time) (election.Standing, error) {
	return standingOf(ctx, s.sql, v.Election, v.ContactID, now, "")
}

// standingOf reads a member's standing; lock (" FOR UPDATE" or "") applies to their voter
// row, which serialises a challenged cast with an ordinary one.
func standingOf(ctx context.Context, q queryer, e *election.Election, contactID int64, now time.Time, lock string) (election.Standing, error) {
	var (
		st            election.Standing
		onRoll, known bool
		good, held    bool
		status        sql.NullString
	)
	d := e.Definition
	err := q.QueryRowContext(ctx, `SELECT voted FROM voters WHERE election_id = ? AND contact_id = ?`+lock, e.ID, contactID).Scan(&st.Voted)
	switch {
	case err == nil:
		onRoll = true
	case !errors.Is(err, sql.ErrNoRows):
		return st, fmt.Errorf("store: standing of contact %d in %s: %w", contactID, d.Slug, err)
	}
	err = q.QueryRowContext(ctx, `SELECT in_good_standing FROM members WHERE contact_id = ?`, contactID).Scan(&good)
	switch {
	case err == nil:
		known = true
	case !errors.Is(err, sql.ErrNoRows):
		return st, fmt.Errorf("store: standing of contact %d in %s: %w", contactID, d.Slug, err)
	}
	if good && !onRoll && !d.RollOpen(now) {
		// The roll's own rule (heldClause): eligible only at or after roll_closes.
		rc := d.RollCloses.UTC()
		if err := q.QueryRowContext(ctx, `SELECT `+heldClause+` FROM members m WHERE m.contact_id = ?`, rc, rc, contactID).
			Scan(&held); err != nil {
			return st, fmt.Errorf("store: standing of contact %d in %s: %w", contactID, d.Slug, err)
		}
	}
	err = q.QueryRowContext(ctx, `SELECT status FROM challenged_ballots WHERE election_id = ? AND contact_id = ?`,
		e.ID, contactID).Scan(&status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("store: standing of contact %d in %s: %w", contactID, d.Slug, err)
	}
	st.Challenge = election.ChallengeStatus(status.String)
	switch {
	case good && (onRoll || !held):
		// On the roll, or about to be: the next issue of links reaches them.
	case good:
		st.OffRoll = election.OffRollJoinedLate
	case onRoll || known:
		st.OffRoll = election.OffRollLapsed
	default:
		st.OffRoll = election.OffRollNotOnRoll
	}
	return st, nil
}

// CastChallengedBallot records b as v's challenged ballot, with the member's reason for
// counting it, and returns the receipt code to show them once.
//
// It is allowed only where the definition sets challenged_ballots, while voting is open,
// and only for a member the roll does not list as eligible: lapsed (their link was or is
// about to be revoked), joined after roll_closes, or unknown to the roster. One
// transaction share-locks the election (a close waits for it), locks the member's voter
// row if they have one (an ordinary cast of theirs waits, and then finds the challenged
// ballot: see castUpdate), checks their standing and inserts the row; the unique key on
// (election, contact) makes concurrent attempts store one ballot.
//
// Errors: election.ErrInvalid for a missing or overlong reason (a FormError on "reason")
// or a ballot that does not fit the paper; ErrWrongState where challenged ballots are not
// allowed; ErrWindowClosed outside voting; ErrAlreadyVoted for a member who voted or
// already cast a challenged ballot; ErrConflict for a member on the roll.
func (s *DB) CastChallengedBallot(ctx context.Context, v *election.Voter, reason string, b election.Ballot, now time.Time) (string, error) {
	e := v.Election
	if err := e.CheckChallengesAllowed(now); err != nil {
		return "", err
	}
	reason, err := election.CheckChallengeReason(reason)
	if err != nil {
		return "", err
	}
	paper, err := s.BallotPaper(ctx, e)
	if err != nil {
		return "", err
	}
	choices, err := encodeChoices(paper, b)
	if err != nil {
		return "", err
	}
	var receipt string
	err = s.retryDeadlock(ctx, func(tx *sql.Tx) error {
		se, err := loadElection(ctx, tx, e.Definition.Slug, " LOCK IN SHARE MODE")
		if err != nil {
			return err
		}
		if err := se.CheckChallengesAllowed(now); err != nil {
			return err
		}
		st, err := standingOf(ctx, tx, &se.Election, v.ContactID, now, " FOR UPDATE")
		if err != nil {
			return err
		}
		if err := st.CheckChallenge(&se.Election); err != nil {
			return err
		}
		if receipt, err = insertChallenge(ctx, tx, se.ID, v.ContactID, st.OffRoll, reason, choices, now, rand.Reader); err != nil {
			if isDuplicate(err) {
				st.Challenge = election.ChallengeOpen
				return st.CheckChallenge(&se.Election)
			}
			return err
		}
		return auditMember(ctx, tx, now, memberActor(v.ContactID), ActionChallengeCast, se.ID, v.ContactID,
			map[string]any{"off_roll": string(st.OffRoll), "reason": reason})
	})
	if err != nil {
		return "", err
	}
	return receipt, nil
}

// insertChallenge stores a challenged ballot under a fresh receipt code that no counted
// ballot of the election has, drawing again after a clash. A duplicate member is returned
// as the duplicate-key error it is.
func insertChallenge(ctx context.Context, tx *sql.Tx, electionID, contactID int64, offRoll election.OffRoll, reason string, choices []byte, now time.Time, rnd io.Reader) (string, error) {
	for try := 1; ; try++ {
		receipt, err := election.NewReceiptCode(rnd)
		if err != nil {
			return "", fmt.Errorf("store: cast challenged ballot: %w", err)
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ballots WHERE election_id = ? AND receipt_code = ?)`,
			electionID, receipt).Scan(&taken); err != nil {
			return "", fmt.Errorf("store: cast challenged ballot: %w", err)
		}
		if taken {
			if try == receiptTries {
				return "", fmt.Errorf("store: cast challenged ballot: no free receipt code after %d draws", try)
			}
			continue
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO challenged_ballots
			(election_id, contact_id, off_roll, reason, choices, receipt_code, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			electionID, contactID, string(offRoll), reason, choices, receipt, string(election.ChallengeOpen), now.UTC().Truncate(votedAtGrain))
		switch {
		case err == nil:
			return receipt, nil
		case isDuplicate(err) && duplicateKey(err, "challenged_receipt") && try < receiptTries:
		case isDuplicate(err):
			return "", err
		default:
			return "", fmt.Errorf("store: cast challenged ballot: %w", err)
		}
	}
}
