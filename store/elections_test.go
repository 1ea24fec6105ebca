package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

var applyNow = time.Date(2022, 12, 1, 9, 0, 0, 0, time.UTC)

// fixture reads one of the shared election definitions (/work/shared/elections).
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "shared", "elections", name))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("fixture %s: %v", name, err)
		}
		t.Skipf("fixture %s is not here (%v); it lives in ../shared/elections next to the repository", name, err)
	}
	return src
}

func parse(t *testing.T, src []byte) *election.Definition {
	t.Helper()
	def, err := election.Parse(bytes.NewReader(src), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return def
}

func apply(t *testing.T, db *store.DB, src []byte) (election.Change, error) {
	t.Helper()
	return db.ApplyElection(context.Background(), parse(t, src), src, "test", applyNow)
}

func auditActions(t *testing.T, db *store.DB, slug string) []string {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), `
		SELECT a.action FROM audit_log a JOIN elections e ON e.id = a.election_id
		WHERE e.slug = ? ORDER BY a.id`, slug)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func countRows(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestApplyFixturesCreatesOnceThenNothingToDo(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t))
	for _, name := range []string{"wise-ra-2023.yaml", "wsn-board-2024.yaml"} {
		src := fixture(t, name)
		def := parse(t, src)
		if ch, err := apply(t, db, src); err != nil || ch != election.Create {
			t.Fatalf("%s: first apply = %v, %v; want Create", name, ch, err)
		}
		if ch, err := apply(t, db, src); err != nil || ch != election.Unchanged {
			t.Fatalf("%s: second apply = %v, %v; want Unchanged", name, ch, err)
		}
		if got := auditActions(t, db, def.Slug); len(got) != 1 || got[0] != store.ActionElectionCreated {
			t.Errorf("%s: audit log %q, want one %s", name, got, store.ActionElectionCreated)
		}
		got, err := db.GetElection(context.Background(), def.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != election.Draft || got.Hash != def.Hash() || got.Definition.Title != def.Title {
			t.Errorf("%s: stored %s %s %q, want draft %s %q", name, got.State, got.Hash, got.Definition.Title, def.Hash(), def.Title)
		}
		var opens time.Time
		if err := db.SQL().QueryRow(`SELECT voting_opens_at FROM elections WHERE slug = ?`, def.Slug).Scan(&opens); err != nil {
			t.Fatal(err)
		}
		if !opens.Equal(def.Voting.Opens) {
			t.Errorf("%s: voting_opens_at %s, want %s (UTC)", name, opens, def.Voting.Opens.UTC())
		}
		if n := countRows(t, db, `SELECT COUNT(*) FROM positions WHERE election_id = ?`, got.ID); n != len(def.Positions) {
			t.Errorf("%s: %d positions stored, want %d", name, n, len(def.Positions))
		}
	}
	list, err := db.ListElections(context.Background())
	if err != nil || len(list) != 2 {
		t.Fatalf("ListElections = %d elections, %v; want 2", len(list), err)
	}
}

func TestApplyChangedTitleUpdatesDraftAndIsRefusedOnceNominationsOpen(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t))
	ctx := context.Background()
	src := fixture(t, "wise-ra-2023.yaml")
	def := parse(t, src)
	if _, err := apply(t, db, src); err != nil {
		t.Fatal(err)
	}
	retitled := bytes.Replace(src, []byte("title: 2023 IWW"), []byte("title: Corrected 2023 IWW"), 1)
	if ch, err := apply(t, db, retitled); err != nil || ch != election.Update {
		t.Fatalf("apply retitled draft = %v, %v; want Update", ch, err)
	}
	got, err := db.GetElection(ctx, def.Slug)
	if err != nil || got.Definition.Title != "Corrected "+def.Title {
		t.Fatalf("title after update = %q, %v", got.Definition.Title, err)
	}

	if _, err := db.AdvanceElection(ctx, def.Slug, "", testLinks, "test", applyNow); !errors.Is(err, election.ErrInvalid) {
		t.Errorf("advance without a reason: %v, want ErrInvalid", err)
	}
	next, err := db.AdvanceElection(ctx, def.Slug, "committee agreed to open early", testLinks, "test", applyNow)
	if err != nil || next != election.NominationsOpen {
		t.Fatalf("advance = %s, %v; want nominations_open", next, err)
	}
	before := auditActions(t, db, def.Slug)
	if _, err := apply(t, db, src); !errors.Is(err, election.ErrWrongState) {
		t.Fatalf("apply changed file after nominations opened: %v, want ErrWrongState", err)
	}
	got, err = db.GetElection(ctx, def.Slug)
	if err != nil || got.Definition.Title != "Corrected "+def.Title || got.State != election.NominationsOpen {
		t.Errorf("after refused apply: %q %s %v; want the corrected title, nominations open", got.Definition.Title, got.State, err)
	}
	if ch, err := apply(t, db, retitled); err != nil || ch != election.Unchanged {
		t.Errorf("re-apply of the stored file after nominations opened = %v, %v; want Unchanged", ch, err)
	}
	want := []string{store.ActionElectionCreated, store.ActionElectionUpdated, store.ActionElectionAdvanced}
	if after := auditActions(t, db, def.Slug); len(after) != len(before) || len(after) != len(want) {
		t.Errorf("audit log %q, want %q", after, want)
	}
	var details string
	if err := db.SQL().QueryRow(`SELECT details FROM audit_log WHERE action = ?`, store.ActionElectionAdvanced).Scan(&details); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains([]byte(details), []byte("committee agreed to open early")) || !bytes.Contains([]byte(details), []byte(`"nominations_open"`)) {
		t.Errorf("advance audit details %s lack the reason or the new state", details)
	}
	if _, err := db.AdvanceElection(ctx, "no-such-election", "x", testLinks, "test", applyNow); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("advance unknown election: %v, want ErrNotFound", err)
	}
	if _, err := db.GetElection(ctx, "no-such-election"); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("get unknown election: %v, want ErrNotFound", err)
	}
}

func TestConcurrentCreatesOfOneSlugStoreOneElection(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t))
	src := fixture(t, "wsn-board-2024.yaml")
	def := parse(t, src)
	const n = 4
	var (
		wg      sync.WaitGroup
		changes [n]election.Change
		errs    [n]error
		start   = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-start
			changes[i], errs[i] = db.ApplyElection(context.Background(), def, src, "test", applyNow)
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for i := range n {
		switch {
		case errs[i] == nil && changes[i] == election.Create:
			created++
		case errs[i] == nil && changes[i] == election.Unchanged, errors.Is(errs[i], election.ErrConflict):
		default:
			t.Errorf("apply %d = %v, %v; want Create, Unchanged or a conflict", i, changes[i], errs[i])
		}
	}
	if created != 1 {
		t.Errorf("%d applies created the election, want exactly 1", created)
	}
	if rows := countRows(t, db, `SELECT COUNT(*) FROM elections WHERE slug = ?`, def.Slug); rows != 1 {
		t.Errorf("%d election rows, want 1", rows)
	}
	if got := auditActions(t, db, def.Slug); len(got) != 1 {
		t.Errorf("audit log %q, want one creation", got)
	}
}
