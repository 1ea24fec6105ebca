package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"io"
	"time"

	"github.com/civivote/civivote/election"
)

// EnterVotingOpen runs enterVotingOpenTx in a transaction of its own, for the tests of
// package store_test.
func (s *DB) EnterVotingOpen(ctx context.Context, e *StoredElection, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error { return s.enterVotingOpenTx(ctx, tx, e, now) })
}

// InsertBlankBallot stores a blank ballot in election electionID with its id and receipt
// code drawn from rnd, for the test of drawing again after a duplicate.
func (s *DB) InsertBlankBallot(ctx context.Context, electionID int64, rnd io.Reader) (string, error) {
	var receipt string
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		receipt, err = insertBallot(ctx, tx, electionID, []byte("{}"), rnd)
		return err
	})
	return receipt, err
}

// CastRawChoices makes one cast attempt storing choices as they are, even when they are
// not valid, for the test that a failed cast leaves nothing behind.
func (s *DB) CastRawChoices(ctx context.Context, v *election.Voter, choices []byte, now time.Time) (string, error) {
	return s.castOnce(ctx, v, choices, now, rand.Reader)
}
