package outbox_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/outbox"
	"github.com/google/go-cmp/cmp"
)

func TestEnqueueIsIdempotent(t *testing.T) {
	e := newEnv(t)
	w := e.worker(t, nil, outbox.Options{})
	if n := mustEnqueue(t, w, linkItem(5, 0), linkItem(5, 0), addItem(5)); n != 2 {
		t.Errorf("first enqueue added %d items, want 2", n)
	}
	if n := mustEnqueue(t, w, linkItem(5, 0), addItem(5)); n != 0 {
		t.Errorf("second enqueue added %d items, want 0", n)
	}
	st := mustStats(t, w)
	if st.Pending != 2 || st.Due != 2 || !st.OldestPending.Equal(e.clock.Now()) {
		t.Errorf("stats = %+v, want 2 pending and due, oldest now", st)
	}
	mustDrain(t, w)
	// Delivered items stay as dedupe records: queueing them again sends nothing.
	if n := mustEnqueue(t, w, linkItem(5, 0)); n != 0 {
		t.Errorf("enqueue after delivery added %d items, want 0", n)
	}
	if r := mustDrain(t, w); r.Batches != 0 {
		t.Errorf("second drain sent %d batches, want 0", r.Batches)
	}
}

func TestEnqueueTxCommitsWithTheCallersTransaction(t *testing.T) {
	e := newEnv(t)
	w := e.worker(t, nil, outbox.Options{})
	ctx := context.Background()
	boom := errors.New("token insert failed")
	err := e.db.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := e.q.EnqueueTx(ctx, tx, []outbox.Item{linkItem(5, 0)}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("transact: %v", err)
	}
	if st := mustStats(t, w); st.Pending != 0 {
		t.Errorf("rolled-back enqueue left %d pending items", st.Pending)
	}
	err = e.db.Transact(ctx, func(tx *sql.Tx) error {
		_, err := e.q.EnqueueTx(ctx, tx, []outbox.Item{linkItem(5, 0)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if st := mustStats(t, w); st.Pending != 1 {
		t.Errorf("committed enqueue left %d pending items, want 1", st.Pending)
	}
}

func TestDrainDeliversLinksGroupsAndRelationships(t *testing.T) {
	e := newEnv(t)
	w := e.worker(t, nil, outbox.Options{BatchSize: 20})
	ids := members()
	var items []outbox.Item
	for _, id := range ids {
		items = append(items, linkItem(id, 0), addItem(id))
	}
	tenure := outbox.Relationship{ContactA: 5, ContactB: 4, Type: "Officer of", Description: "Treasurer",
		Start: time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC)}
	items = append(items, outbox.SaveRelationship("wise-ra-2023", tenure), outbox.SaveRelationship("wise-ra-2023", tenure))
	if n := mustEnqueue(t, w, items...); n != 101 {
		t.Fatalf("enqueued %d, want 101", n)
	}
	r := mustDrain(t, w)
	if d := cmp.Diff(outbox.Result{Batches: 3 + 3 + 1, Delivered: 101}, r); d != "" {
		t.Errorf("drain result (-want +got):\n%s", d)
	}
	e.checkLinks(t, ids, 0)
	e.savedOnce(t, "Contact", ids)
	e.savedOnce(t, "GroupContact", ids)
	g, ok := e.srv.GroupByName(voters.Name)
	if !ok || g.Title != voters.Title {
		t.Fatalf("group %q = %+v, %v", voters.Name, g, ok)
	}
	in := e.srv.GroupMembers(g.ID)
	for _, id := range ids {
		if in[id] != "Added" {
			t.Errorf("contact %d in group: %q, want Added", id, in[id])
		}
	}
	if n := e.srv.Calls("Group", "save"); n != 1 {
		t.Errorf("Group.save called %d times, want once (the id is cached)", n)
	}
	var rels []string
	for _, rel := range e.srv.Relationships() {
		if rel.ContactIDB == 4 {
			rels = append(rels, rel.StartDate+"/"+rel.EndDate+"/"+rel.Description)
		}
	}
	if d := cmp.Diff([]string{"2023-03-01/2025-02-28/Treasurer"}, rels); d != "" {
		t.Errorf("relationships to the organisation (-want +got):\n%s", d)
	}
	if st := mustStats(t, w); st.Pending != 0 || st.Failed != 0 {
		t.Errorf("stats after drain = %+v", st)
	}
}

func TestTableNeverHoldsTheLink(t *testing.T) {
	e := newEnv(t)
	w := e.worker(t, nil, outbox.Options{})
	mustEnqueue(t, w, linkItem(5, 0), linkItem(6, 3))
	check := func(when string) {
		t.Helper()
		var n int
		err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM outbox WHERE payload LIKE '%secret%' OR last_error LIKE '%secret%'`).Scan(&n)
		if err != nil || n != 0 {
			t.Errorf("%s: %d rows hold a link (%v)", when, n, err)
		}
	}
	check("queued")
	mustDrain(t, w)
	check("delivered")
	e.checkLinks(t, []int64{5}, 0)
	e.checkLinks(t, []int64{6}, 3)
}

func TestMissingContactFailsOnlyItsItem(t *testing.T) {
	e := newEnv(t)
	w := e.worker(t, nil, outbox.Options{})
	mustEnqueue(t, w, linkItem(5, 0), linkItem(6, 0), linkItem(999999, 0), linkItem(7, 0), addItem(999999), addItem(8))
	r := mustDrain(t, w)
	if r.Delivered != 4 || r.Failed != 2 || r.Retried != 0 {
		t.Errorf("drain = %+v, want 4 delivered and 2 failed", r)
	}
	e.checkLinks(t, []int64{5, 6, 7}, 0)
	failed, err := w.Failed(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 2 {
		t.Fatalf("failed items = %+v, want 2", failed)
	}
	for _, f := range failed {
		if f.State != outbox.StateFailed || !strings.Contains(f.Key, "999999") ||
			!strings.Contains(f.LastError, "CiviCRM has no contact 999999") || !strings.Contains(f.LastError, "retry") {
			t.Errorf("failed item = %+v", f)
		}
		if strings.Contains(f.LastError, "secret") {
			t.Errorf("the error shows the link: %s", f.LastError)
		}
	}
	if st := mustStats(t, w); st.Failed != 2 || st.Pending != 0 || st.ByKind[outbox.KindLink].Failed != 1 {
		t.Errorf("stats = %+v", st)
	}
	// An admin retries: the items go back to the queue (and fail again, the contact is
	// still gone).
	if n, err := w.RetryFailed(context.Background()); err != nil || n != 2 {
		t.Fatalf("retry failed = %d, %v", n, err)
	}
	if r := mustDrain(t, w); r.Failed != 2 {
		t.Errorf("drain after retry = %+v", r)
	}
	if _, err := w.Retry(context.Background()); err == nil {
		t.Error("Retry with no ids succeeded; it must not mean 'all'")
	}
}

func TestNewerItemsSupersedePendingOnes(t *testing.T) {
	e := newEnv(t)
	w := e.worker(t, nil, outbox.Options{})
	notVoted := outbox.Group{Name: "civivote_wise_ra_2023_not_voted", Title: "WISE-RA 2023 not yet voted"}
	m := func(id int64) outbox.Membership { return outbox.Membership{Group: notVoted, ContactID: id} }

	// Re-issued before delivery: only the new link is ever written. A vote cast before the
	// group was filled: the remove supersedes the add, so the voter gets no reminder.
	mustEnqueue(t, w, linkItem(5, 0), outbox.AddToGroup(m(5)), outbox.AddToGroup(m(6)))
	mustEnqueue(t, w, linkItem(5, 1), outbox.RemoveFromGroup(m(5)))
	// Re-enqueueing the old items changes nothing: they are known keys.
	mustEnqueue(t, w, linkItem(5, 0), outbox.AddToGroup(m(5)))
	mustDrain(t, w)
	e.checkLinks(t, []int64{5}, 1)
	for _, wr := range e.srv.Writes() {
		for _, rec := range wr.Records {
			if rec[linkField] == url(5, 0) {
				t.Errorf("the superseded link was written: %+v", wr)
			}
		}
	}
	g, _ := e.srv.GroupByName(notVoted.Name)
	in := e.srv.GroupMembers(g.ID)
	if in[5] == "Added" || in[6] != "Added" {
		t.Errorf("not-yet-voted group = %v, want 6 Added and 5 not", in)
	}
}
