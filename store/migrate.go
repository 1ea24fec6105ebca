package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/go-sql-driver/mysql"
	"go.uber.org/zap"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered schema change. MySQL commits DDL implicitly, so each file holds
// exactly one statement and is recorded as soon as it has run.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("store: migration file %s is not named NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", e.Name(), err)
		}
		v, _ := strconv.Atoi(m[1])
		ms = append(ms, Migration{Version: v, Name: m[2], SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migrations must be numbered 1, 2, 3… without gaps; found %04d at position %d", m.Version, i+1)
		}
	}
	return ms, nil
}

const bootstrapSQL1 = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INT UNSIGNED NOT NULL,
  name       VARCHAR(128) NOT NULL,
  applied_at DATETIME(6) NOT NULL,
  PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`

// schema_lock has one row; a migrating process holds a row lock on it for the whole run.
// Unlike GET_LOCK, a row lock works on MySQL-compatible distributed engines, and it is
// released by the server if the holder dies.
const bootstrapSQL2 = `CREATE TABLE IF NOT EXISTS schema_lock (
  id TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB`

const bootstrapSQL3 = `INSERT IGNORE INTO schema_lock (id) VALUES (1)`

// Migrate applies every pending migration under the schema lock and returns those it
// applied. Two processes may call it at once: one waits for the other, then finds nothing
// left to do.
func (s *DB) Migrate(ctx context.Context) ([]Migration, error) {
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	for _, q := range []string{bootstrapSQL1, bootstrapSQL2, bootstrapSQL3} {
		if _, err := s.sql.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("store: prepare migrations: %w", err)
		}
	}
	unlock, err := s.lockSchema(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()

	done, err := s.appliedVersions(ctx)
	if err != nil {
		return nil, err
	}
	var applied []Migration
	for _, m := range all {
		if done[m.Version] {
			continue
		}
		start := time.Now()
		if _, err := s.sql.ExecContext(ctx, m.SQL); err != nil {
			return applied, fmt.Errorf("store: migration %04d_%s failed: %w", m.Version, m.Name, err)
		}
		if _, err := s.sql.ExecContext(ctx,
			`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, s.now().UTC()); err != nil {
			return applied, fmt.Errorf("store: record migration %04d_%s: %w", m.Version, m.Name, err)
		}
		s.log.Info("applied migration", zap.Int("version", m.Version), zap.String("name", m.Name), zap.Duration("took", time.Since(start)))
		applied = append(applied, m)
	}
	return applied, nil
}

// lockSchema takes the schema lock on a dedicated connection and returns its release.
func (s *DB) lockSchema(ctx context.Context) (func(), error) {
	conn, err := s.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: lock schema: %w", err)
	}
	for {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("store: lock schema: %w", err)
		}
		_, err = tx.ExecContext(ctx, `SELECT id FROM schema_lock WHERE id = 1 FOR UPDATE`)
		if err == nil {
			return func() { _ = tx.Commit(); conn.Close() }, nil
		}
		_ = tx.Rollback()
		if !isLockWaitTimeout(err) || ctx.Err() != nil {
			conn.Close()
			return nil, fmt.Errorf("store: lock schema: %w", err)
		}
		s.log.Info("another process is migrating the schema; still waiting")
	}
}

func isLockWaitTimeout(err error) bool {
	var myErr *mysql.MySQLError
	return errors.As(err, &myErr) && myErr.Number == 1205
}

func (s *DB) appliedVersions(ctx context.Context) (map[int]bool, error) {
	rows, err := s.sql.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("store: read applied migrations: %w", err)
	}
	defer rows.Close()
	done := make(map[int]bool)
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("store: read applied migrations: %w", err)
		}
		done[v] = true
	}
	return done, rows.Err()
}

// SchemaStatus says whether every migration this binary knows has been applied.
type SchemaStatus struct {
	Applied int // migrations recorded in the database
	Known   int // migrations embedded in this binary
	Missing []int
}

// Current reports whether the schema has everything this binary needs.
func (st SchemaStatus) Current() bool { return len(st.Missing) == 0 }

// SchemaStatus reads which migrations the database has.
func (s *DB) SchemaStatus(ctx context.Context) (SchemaStatus, error) {
	all, err := Migrations()
	if err != nil {
		return SchemaStatus{}, err
	}
	done, err := s.appliedVersions(ctx)
	if err != nil {
		var myErr *mysql.MySQLError
		if errors.As(err, &myErr) && myErr.Number == 1146 { // no such table: never migrated
			done = map[int]bool{}
		} else {
			return SchemaStatus{}, err
		}
	}
	st := SchemaStatus{Applied: len(done), Known: len(all)}
	for _, m := range all {
		if !done[m.Version] {
			st.Missing = append(st.Missing, m.Version)
		}
	}
	return st, nil
}
