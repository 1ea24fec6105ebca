package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/go-sql-driver/mysql"
)

// votedAtGrain is how precisely voters.voted_at records a cast: enough for turnout by the
// hour in any time zone (every zone's offset is a multiple of 15 minutes), and no more.
const votedAtGrain = 15 * time.Minute

// receiptTries bounds the draws of a ballot id and receipt code after a duplicate. With
// 128 and 73 random bits a second draw is already vanishingly rare.
const receiptTries = 4

// CastBallot records b as v's ballot and returns the receipt code to show the member once.
//
// It is one transaction of three round trips (UPDATE, INSERT, COMMIT, on a session with
// autocommit off, see openCastingPool): a conditional
// UPDATE marks the voter as voted only while they have not voted, their link is live, they
// are in good standing and the election is in voting_open (it locks the voter's row, so of
// two concurrent casts the second waits for the first and then finds nothing to update;
// no SELECT … FOR UPDATE is needed, and the election's row is share-locked so that a
// committee's close waits for casts in flight); then one INSERT stores the ballot, and it
// commits before returning. The ballot is one row: a random id, the receipt code and the
// choices, and nothing that names the voter or the time. QueueVotedRemovals later takes
// the voter out of the "not yet voted" group.
//
// Errors: election.ErrAlreadyVoted when the member has voted (now or earlier, through any
// replica), with nothing stored; ErrWindowClosed outside the voting window (server clock)
// or state; ErrWrongState for a member not in good standing; ErrNotFound for a link that
// was revoked meanwhile; ErrInvalid for a ballot that does not fit the election's paper.
func (s *DB) CastBallot(ctx context.Context, v *election.Voter, b election.Ballot, now time.Time) (string, error) {
	e := v.Election
	if err := v.CheckInGoodStanding(); err != nil {
		return "", err
	}
	if err := e.CheckVotingOpen(now); err != nil {
		return "", err
	}
	if v.Voted {
		return "", alreadyVoted(e)
	}
	paper, err := s.BallotPaper(ctx, e)
	if err != nil {
		return "", unavailable(err)
	}
	choices, err := encodeChoices(paper, b)
	if err != nil {
		return "", err
	}
	// A deadlock or lock wait timeout ends the attempt rolled back; the next finds the
	// voter as the winner left them.
	for try := 1; ; try++ {
		receipt, err := s.castOnce(ctx, v, choices, now, rand.Reader)
		if !retryable(err) || try == castTries {
			return receipt, err
		}
	}
}

// castTries bounds the attempts at a cast that deadlocks.
const castTries = 5

// execer is what insertBallot writes through: a transaction or a casting session.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// encodeChoices turns b into what ballots.choices holds, checking it against paper on the
// way (a ballot encoded against another election's paper must not be stored): a JSON
// object from position key to the chosen candidate ids in decimal, or "RON".
func encodeChoices(paper *election.BallotPaper, b election.Ballot) (js []byte, err error) {
	defer func() {
		// Decode indexes the paper with the ballot's marks; a foreign ballot may not fit.
		if recover() != nil {
			js, err = nil, election.Errorf(election.ErrInvalid, "The ballot does not belong to this election. Reload the page and vote again.")
		}
	}()
	c := paper.Decode(b)
	if _, err := paper.Encode(c); err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(c))
	for key, ids := range c {
		for _, id := range ids {
			choice := election.RONFormValue
			if id != election.RON {
				choice = strconv.FormatInt(id, 10)
			}
			out[key] = append(out[key], choice)
		}
	}
	if js, err = json.Marshal(out); err != nil {
		return nil, fmt.Errorf("store: cast ballot: %w", err)
	}
	return js, nil
}

// insertBallot stores a ballot, its choices in its row, with a fresh id and receipt code
// read from rnd (crypto/rand.Reader). A duplicate id or code (error 1062, which rolls back
// the statement only) is drawn again.
func insertBallot(ctx context.Context, tx execer, electionID int64, choices []byte, rnd io.Reader) (string, error) {
	return insertBallotKeeping(ctx, tx, electionID, "", choices, rnd)
}

// insertBallotKeeping is insertBallot keeping the receipt code keep when it is not empty:
// an accepted challenged ballot keeps the code its member was shown, and only its id is
// drawn again after a duplicate.
func insertBallotKeeping(ctx context.Context, tx execer, electionID int64, keep string, choices []byte, rnd io.Reader) (string, error) {
	for try := 1; ; try++ {
		id, err := election.NewBallotID(rnd)
		if err != nil {
			return "", fmt.Errorf("store: cast ballot: %w", err)
		}
		receipt := keep
		if receipt == "" {
			if receipt, err = election.NewReceiptCode(rnd); err != nil {
				return "", fmt.Errorf("store: cast ballot: %w", err)
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ballots (id, election_id, receipt_code, choices) VALUES (?, ?, ?, ?)`,
			id[:], electionID, receipt, choices)
		var myErr *mysql.MySQLError
		switch {
		case err == nil:
			return receipt, nil
		case errors.As(err, &myErr) && myErr.Number == mysqlDuplicateKey && try < receiptTries:
		default:
			return "", fmt.Errorf("store: cast ballot: insert ballot: %w", err)
		}
	}
}

// whyNotCast explains a cast whose voter update matched no row, reading the voter's
// row as it is now (after any concurrent cast has committed).
func whyNotCast(ctx context.Context, tx queryer, v *election.Voter, now time.Time) error {
	var (
		voted, revoked, standing, challenged bool
		state                                string
	)
	err := tx.QueryRowContext(ctx, `
		SELECT v.voted, v.revoked_at IS NOT NULL, COALESCE(m.in_good_standing, FALSE), e.state,
		  EXISTS (SELECT 1 FROM challenged_ballots c WHERE c.election_id = v.election_id AND c.contact_id = v.contact_id)
		FROM voters v
		  JOIN elections e ON e.id = v.election_id
		  LEFT JOIN members m ON m.contact_id = v.contact_id
		WHERE v.election_id = ? AND v.contact_id = ?`, v.Election.ID, v.ContactID).Scan(&voted, &revoked, &standing, &state, &challenged)
	if errors.Is(err, sql.ErrNoRows) {
		revoked = true
	} else if err != nil {
		return fmt.Errorf("store: cast ballot: check voter: %w", err)
	}
	switch {
	case voted:
		return alreadyVoted(v.Election)
	case challenged:
		return election.Standing{Challenge: election.ChallengeOpen}.CheckChallenge(v.Election)
	case revoked:
		return election.Errorf(election.ErrNotFound, "This voting link is no longer valid, so your ballot was not recorded. "+
			"Use the most recent link you were sent, or ask the election committee for a new one.")
	case !standing:
		lapsed := *v
		lapsed.InGoodStanding = false
		return lapsed.CheckInGoodStanding()
	}
	st, err := election.ParseState(state)
	if err != nil {
		return fmt.Errorf("store: cast ballot: %w", err)
	}
	e := *v.Election
	e.State = st
	if err := e.CheckVotingOpen(now); err != nil {
		return err
	}
	return election.Errorf(election.ErrWindowClosed, "Voting is not open in %s, so your ballot was not recorded.", e.Definition.Title)
}

func alreadyVoted(e *election.Election) error {
	return election.Errorf(election.ErrAlreadyVoted, "You have already voted in %s. Each member votes once, "+
		"so this ballot was not recorded and your first one stands. If you did not vote yourself, contact the election committee.",
		e.Definition.Title)
}
