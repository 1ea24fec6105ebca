package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/civivote/civivote/store/storetest"
)

func TestTransactCommitsOrRollsBack(t *testing.T) {
	ctx := context.Background()
	db := storetest.OpenDSN(t, storetest.NewDatabase(t)) // reruns must not meet earlier rows
	insert := func(name string) func(*sql.Tx) error {
		return func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?, 'test', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))`, name)
			return err
		}
	}
	count := func(name string) int {
		var n int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM leases WHERE name = ?`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	if err := db.Transact(ctx, insert("tx-commit")); err != nil {
		t.Fatal(err)
	}
	if count("tx-commit") != 1 {
		t.Error("committed row missing")
	}

	boom := errors.New("boom")
	err := db.Transact(ctx, func(tx *sql.Tx) error {
		if err := insert("tx-error")(tx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Transact returned %v, want the function's error", err)
	}
	if count("tx-error") != 0 {
		t.Error("row of a failed transaction was kept")
	}

	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic was swallowed")
			}
		}()
		_ = db.Transact(ctx, func(tx *sql.Tx) error {
			_ = insert("tx-panic")(tx)
			panic("boom")
		})
	}()
	if count("tx-panic") != 0 {
		t.Error("row of a panicking transaction was kept")
	}
}
