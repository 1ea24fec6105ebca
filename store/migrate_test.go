package store_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func open(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrateCreatesSchemaOnceAndIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := open(t, storetest.NewDatabase(t))
	all, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}

	st, err := db.SchemaStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current() || len(st.Missing) != len(all) {
		t.Fatalf("empty database: status %+v, want all %d missing", st, len(all))
	}

	applied, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(all) {
		t.Fatalf("first run applied %d migrations, want %d", len(applied), len(all))
	}
	again, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 0 {
		t.Fatalf("second run applied %d migrations, want none", len(again))
	}
	st, err = db.SchemaStatus(ctx)
	if err != nil || !st.Current() {
		t.Fatalf("after migrate: status %+v, err %v", st, err)
	}

	for _, table := range []string{"members", "sync_runs", "elections", "positions", "candidates", "voters", "ballots", "outbox", "audit_log", "leases"} {
		var n int
		if err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
}

func TestMigrateFromSeveralProcessesAtOnce(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.NewDatabase(t)
	const n = 4
	dbs := make([]*store.DB, n)
	for i := range dbs {
		dbs[i] = open(t, dsn) // separate pools: separate sessions, as separate processes have
	}
	var wg sync.WaitGroup
	counts := make([]int, n)
	errs := make([]error, n)
	for i, db := range dbs {
		wg.Go(func() {
			applied, err := db.Migrate(ctx)
			counts[i], errs[i] = len(applied), err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	all, _ := store.Migrations()
	total := 0
	for _, c := range counts {
		total += c
	}
	if total != len(all) {
		t.Errorf("migrations applied %v times in all (%d), want each once (%d)", counts, total, len(all))
	}
	var recorded, distinct int
	err := dbs[0].SQL().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&recorded, &distinct)
	if err != nil {
		t.Fatal(err)
	}
	if recorded != len(all) || distinct != len(all) {
		t.Errorf("schema_migrations has %d rows (%d distinct), want %d", recorded, distinct, len(all))
	}
}

func TestMigrationsAreNumberedOneStatementEach(t *testing.T) {
	all, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		// One statement per file: MySQL commits DDL implicitly, so a second statement that
		// failed would leave the first applied and unrecorded.
		var code []string
		for _, line := range strings.Split(m.SQL, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "--") {
				code = append(code, line)
			}
		}
		if strings.Contains(strings.Join(code, "\n"), ";") {
			t.Errorf("migration %04d_%s has a ';': put each statement in its own file", m.Version, m.Name)
		}
	}
}

func TestOpenSaysWhatIsWrongWhenNoDatabaseAnswers(t *testing.T) {
	_, err := store.Open(context.Background(), store.Options{DSN: "root@tcp(127.0.0.1:1)/civivote"})
	if err == nil || !strings.Contains(err.Error(), "no database answered at 127.0.0.1:1") {
		t.Fatalf("got %v", err)
	}
	_, err = store.Open(context.Background(), store.Options{DSN: "root@tcp(127.0.0.1:1)/"})
	if err == nil || !strings.Contains(err.Error(), "names no database") {
		t.Fatalf("got %v", err)
	}
}

func TestOpenRefusesAnUnknownDatabaseAtOnce(t *testing.T) {
	dsn := storetest.DSN(t)
	bad := dsn[:strings.LastIndex(dsn, "/")+1] + "civivote_no_such_db"
	_, err := store.Open(context.Background(), store.Options{DSN: bad, StartupWait: 0})
	if err == nil || !strings.Contains(err.Error(), "refused the connection") {
		t.Fatalf("got %v", err)
	}
}
