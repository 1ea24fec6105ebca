// Package store keeps civivote's state in MySQL or MariaDB: the connection, the embedded
// schema migrations, and the SQL behind the roster and elections. It uses plain
// database/sql with explicit Scan and only features that MySQL-compatible distributed
// engines also have (no GET_LOCK, no triggers, no stored procedures).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/go-sql-driver/mysql"
	"go.uber.org/zap"
)

// Options configures Open.
type Options struct {
	DSN          string
	MaxOpenConns int
	// StartupWait is how long Open keeps trying to reach a database that does not answer
	// yet (it may still be starting next to civivote). Zero tries once.
	StartupWait time.Duration
	Logger      *zap.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DB is civivote's database handle.
type DB struct {
	sql *sql.DB
	log *zap.Logger
	now func() time.Time
	// papers caches ballot papers once voting opens (ballot_paper.go).
	papers paperCache
	// casting is the pool casts run on, with autocommit off (ballots_conn.go).
	casting *sql.DB
	// defs caches parsed election definitions for the member pages (voters_cache.go).
	defs defCache
}

// Open connects to the database named by opts.DSN, forcing the settings civivote relies on
// (UTC times parsed into time.Time, utf8mb4), and waits for it up to opts.StartupWait.
func Open(ctx context.Context, opts Options) (*DB, error) {
	cfg, err := mysql.ParseDSN(opts.DSN)
	if err != nil {
		return nil, errors.New("store: the MySQL DSN is not valid: expected user:password@tcp(host:3306)/database")
	}
	if cfg.DBName == "" {
		return nil, errors.New("store: the MySQL DSN names no database: add it after the slash, e.g. user:password@tcp(host:3306)/civivote")
	}
	cfg.ParseTime = true
	// Interpolating on the client saves the prepare and close round trips of every query;
	// it is safe with utf8mb4, the only charset used.
	cfg.InterpolateParams = true
	cfg.Loc = time.UTC
	cfg.Collation = "utf8mb4_unicode_ci"
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	// Every session works in UTC and in strict mode, so nothing is silently truncated.
	cfg.Params["time_zone"] = "'+00:00'"
	cfg.Params["sql_mode"] = "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO'"
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db := sql.OpenDB(connector)
	maxOpen := opts.MaxOpenConns
	if maxOpen <= 0 {
		maxOpen = 32
	}
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxOpen)
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)

	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	casting, err := openCastingPool(cfg, maxOpen)
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &DB{sql: db, log: log, now: now, casting: casting}
	if err := s.waitReady(ctx, cfg.Addr, opts.StartupWait); err != nil {
		db.Close()
		casting.Close()
		return nil, err
	}
	return s, nil
}

// waitReady pings until the database answers or wait has passed, backing off between tries.
func (s *DB) waitReady(ctx context.Context, addr string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	delay := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := s.sql.PingContext(ctx)
		if err == nil {
			return nil
		}
		var myErr *mysql.MySQLError
		if errors.As(err, &myErr) {
			// The server answered and refused (bad password, unknown database…): waiting
			// will not help.
			return fmt.Errorf("store: the database at %s refused the connection: %s (check CIVIVOTE_MYSQL_DSN and the user's grants)", addr, myErr.Message)
		}
		if time.Now().Add(delay).After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("store: no database answered at %s after %d attempts: %w (is MySQL/MariaDB running, and is CIVIVOTE_MYSQL_DSN right?)", addr, attempt, err)
		}
		s.log.Info("waiting for the database", zap.String("addr", addr), zap.Int("attempt", attempt), zap.Error(err))
		select {
		case <-ctx.Done():
			return fmt.Errorf("store: waiting for the database at %s: %w", addr, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, 5*time.Second)
	}
}

// Close closes the connection pools.
func (s *DB) Close() error { return errors.Join(s.sql.Close(), s.casting.Close()) }

// Ping checks that the database answers.
func (s *DB) Ping(ctx context.Context) error {
	if err := s.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// SQL returns the underlying pool, for packages of this module's tests and tools that need
// raw access (e.g. to inspect the schema).
func (s *DB) SQL() *sql.DB { return s.sql }

// Transact runs fn in a transaction, committing when fn returns nil and rolling back
// otherwise (or when fn panics).
func (s *DB) Transact(ctx context.Context, fn func(*sql.Tx) error) error {
	return transact(ctx, s.sql, fn)
}

// txBeginner is what can start a transaction: the pool, or one connection of it (for
// work on a temporary table, which lives on one connection only).
type txBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

func transact(ctx context.Context, b txBeginner, fn func(*sql.Tx) error) (err error) {
	tx, err := b.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Ready reports whether this replica can serve: the database answers and has every
// migration this binary needs. /readyz shows its error.
func (s *DB) Ready(ctx context.Context) error {
	if err := s.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	st, err := s.SchemaStatus(ctx)
	if err != nil {
		return err
	}
	if !st.Current() {
		return fmt.Errorf("database schema is behind this binary: migrations %v are missing (run `civivote migrate`)", st.Missing)
	}
	return nil
}
