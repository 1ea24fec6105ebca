package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/go-sql-driver/mysql"
)

// openCastingPool opens the pool casts run on: the same server and session settings as the
// main pool, but with autocommit off, so a cast's first statement opens its transaction
// and the BEGIN round trip is saved (with database/sql's transaction bookkeeping, about a
// quarter of casting's throughput on a two-core server). It connects lazily: a replica that
// never casts opens no connection.
func openCastingPool(cfg *mysql.Config, maxOpen int) (*sql.DB, error) {
	c := cfg.Clone()
	c.Params["autocommit"] = "0"
	connector, err := mysql.NewConnector(c)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxOpen)
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// castUpdate marks a voter as voted if, and only if, they may vote now; see CastBallot. A
// member who cast a challenged ballot while off the roll has had their one ballot, even
// if the roll takes them back (the subquery's read locks the key, so it also waits for a
// challenged cast in flight).
const castUpdate = `
	UPDATE voters v
	  JOIN members m ON m.contact_id = v.contact_id
	  JOIN elections e ON e.id = v.election_id
	SET v.voted = TRUE, v.voted_at = ?
	WHERE v.election_id = ? AND v.contact_id = ? AND v.voted = FALSE AND v.revoked_at IS NULL
	  AND m.in_good_standing AND e.state = ?
	  AND NOT EXISTS (SELECT 1 FROM challenged_ballots c WHERE c.election_id = v.election_id AND c.contact_id = v.contact_id)`

// castOnce makes one attempt at a cast on a session of the casting pool: the UPDATE opens
// the transaction, COMMIT ends it. On any failure the transaction is rolled back, and a
// connection that cannot even roll back is discarded, so no connection goes back to the
// pool in the middle of a transaction.
func (s *DB) castOnce(ctx context.Context, v *election.Voter, choices []byte, now time.Time, rnd io.Reader) (receipt string, err error) {
	conn, err := s.casting.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("store: cast ballot: %w", unavailable(err))
	}
	defer func() {
		if err != nil {
			if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}
		_ = conn.Close()
	}()
	e := v.Election
	res, err := conn.ExecContext(ctx, castUpdate, now.UTC().Truncate(votedAtGrain), e.ID, v.ContactID, string(election.VotingOpen))
	if err != nil {
		return "", fmt.Errorf("store: cast ballot: mark voter: %w", unavailable(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", fmt.Errorf("store: cast ballot: mark voter: %w", err)
	} else if n != 1 {
		return "", unavailable(whyNotCast(ctx, conn, v, now))
	}
	if receipt, err = insertBallot(ctx, conn, e.ID, choices, rnd); err != nil {
		return "", unavailable(err)
	}
	// A COMMIT whose answer was lost may or may not have committed: that error is left
	// unclassified, so the member is not told their vote was not recorded. (Trying again
	// then says "already voted" if it was.)
	if _, err = conn.ExecContext(ctx, "COMMIT"); err != nil {
		return "", fmt.Errorf("store: cast ballot: commit: %w", err)
	}
	return receipt, nil
}
