package store

import (
	"context"
	"database/sql"
	"time"
)

// FixSeatsForTest runs fixSeatsTx on the election slug in a transaction of its own, as the
// lifecycle does on entering nominations_closed.
func (s *DB) FixSeatsForTest(ctx context.Context, slug string, now time.Time) error {
	return s.Transact(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, slug, " FOR UPDATE")
		if err != nil {
			return err
		}
		return fixSeatsTx(ctx, tx, e, now)
	})
}
