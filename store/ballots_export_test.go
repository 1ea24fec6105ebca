package store

import (
	"context"
	"database/sql"
	"time"
)

// EnterVotingOpen runs enterVotingOpenTx in a transaction of its own, for the tests of
// package store_test.
func (s *DB) EnterVotingOpen(ctx context.Context, e *StoredElection, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error { return s.enterVotingOpenTx(ctx, tx, e, now) })
}
