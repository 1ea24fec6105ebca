// Package storetest gives each test package a throwaway database on a real MySQL or
// MariaDB server.
//
// The server is the one named by CIVIVOTE_TEST_MYSQL_DSN, or else root without a password
// on 127.0.0.1:3306. `make test` makes sure one exists (starting a private mariadbd when
// none runs). Without a server, tests that need one are skipped with a message saying how
// to get one, except under CI=true, where that is a failure.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/store"
	"github.com/go-sql-driver/mysql"
)

// DefaultServerDSN is used when CIVIVOTE_TEST_MYSQL_DSN is not set.
const DefaultServerDSN = "root@tcp(127.0.0.1:3306)/"

// package state, set once by Main for the test binary it runs in.
var (
	pkgDSN      string
	unavailable string
	serverCfg   *mysql.Config
	mu          sync.Mutex
)

// Main creates a database for the calling test package, runs its tests, and drops it. Call
// it from TestMain: `func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }`.
func Main(m *testing.M) int {
	name := "civivote_t_" + sanitize(strings.TrimSuffix(filepath.Base(os.Args[0]), ".test")) + "_" + randomHex(4)
	dsn, err := createDatabase(name)
	if err != nil {
		unavailable = err.Error()
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "storetest: %s\nUnder CI=true a database is required.\n", unavailable)
			return 1
		}
		return m.Run()
	}
	pkgDSN = dsn
	code := m.Run()
	if err := dropDatabase(name); err != nil {
		fmt.Fprintf(os.Stderr, "storetest: %v\n", err)
	}
	return code
}

// DSN returns the DSN of the package's database, or skips the test when there is none.
func DSN(tb testing.TB) string {
	tb.Helper()
	if pkgDSN == "" {
		if unavailable == "" {
			tb.Fatal("storetest: Main was not called from this package's TestMain")
		}
		tb.Skipf("no test database: %s", unavailable)
	}
	return pkgDSN
}

// NewDatabase creates an extra empty database for one test and drops it when the test ends.
// Use it where a test needs a schema of its own (migration tests).
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	DSN(tb) // skip early when there is no server
	name := "civivote_t_x_" + randomHex(6)
	dsn, err := createDatabase(name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := dropDatabase(name); err != nil {
			tb.Error(err)
		}
	})
	return dsn
}

// Open opens the package's database, migrated, and closes it when the test ends.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	return OpenDSN(tb, DSN(tb))
}

// OpenDSN opens and migrates the database at dsn, closing it when the test ends.
func OpenDSN(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := store.Open(ctx, store.Options{DSN: dsn, MaxOpenConns: 16})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}

func server() (*sql.DB, *mysql.Config, error) {
	mu.Lock()
	defer mu.Unlock()
	if serverCfg == nil {
		raw := os.Getenv("CIVIVOTE_TEST_MYSQL_DSN")
		if raw == "" {
			raw = DefaultServerDSN
		}
		cfg, err := mysql.ParseDSN(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("CIVIVOTE_TEST_MYSQL_DSN is not a valid DSN: %v", err)
		}
		cfg.DBName = ""
		cfg.Timeout = 3 * time.Second
		serverCfg = cfg
	}
	c, err := mysql.NewConnector(serverCfg)
	if err != nil {
		return nil, nil, err
	}
	return sql.OpenDB(c), serverCfg, nil
}

func createDatabase(name string) (string, error) {
	db, cfg, err := server()
	if err != nil {
		return "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return "", fmt.Errorf("cannot reach a MySQL/MariaDB server at %s (%v). Run the tests with `make test`, which starts one, or set CIVIVOTE_TEST_MYSQL_DSN to a server where the user may create databases", cfg.Addr, err)
	}
	c := cfg.Clone()
	c.DBName = name
	return c.FormatDSN(), nil
}

func dropDatabase(name string) error {
	db, _, err := server()
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
		return fmt.Errorf("drop test database %s: %w", name, err)
	}
	return nil
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
		if b.Len() >= 24 {
			break
		}
	}
	return b.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
