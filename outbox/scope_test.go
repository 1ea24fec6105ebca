package outbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/civivote/civivote/outbox"
	"github.com/prometheus/client_golang/prometheus"
)

// election show counts one election's links and group changes: not another election's,
// even one whose group name the first's matches as a LIKE pattern ("_" is a wildcard).
func TestElectionOutboxCountsOneElection(t *testing.T) {
	e := newEnv(t)
	w := e.worker(t, nil, outbox.Options{BatchSize: 10})
	ctx := context.Background()
	enqueue := func(slug string, ids ...int64) {
		g, nv := outbox.ElectionGroup(slug, slug), outbox.NotVotedGroup(slug, slug)
		for _, id := range ids {
			mustEnqueue(t, w,
				outbox.SetLink(outbox.Link{Field: linkField, Election: slug, ContactID: id}),
				outbox.AddToGroup(outbox.Membership{Group: g, ContactID: id}),
				outbox.AddToGroup(outbox.Membership{Group: nv, ContactID: id}))
		}
	}
	enqueue("a-b", 5, 6, 7)
	enqueue("a", 8)   // a prefix of "a-b"
	enqueue("a1b", 9) // "civivote_a1b" matches "civivote_a_b" if "_" is not escaped
	// A re-issued link supersedes the first; a removal from "not yet voted" (the member voted).
	mustEnqueue(t, w, outbox.SetLink(outbox.Link{Field: linkField, Election: "a-b", ContactID: 5, Generation: 1}),
		outbox.RemoveFromGroup(outbox.Membership{Group: outbox.NotVotedGroup("a-b", "a-b"), ContactID: 6}))

	got, err := e.q.ElectionOutbox(ctx, "a-b")
	if err != nil {
		t.Fatal(err)
	}
	want := map[outbox.Kind]outbox.Counts{
		outbox.KindLink:        {Pending: 3, Superseded: 1},
		outbox.KindGroupAdd:    {Pending: 5, Superseded: 1}, // the add to "not yet voted" of 6 was replaced
		outbox.KindGroupRemove: {Pending: 1},
	}
	if !equalCounts(got, want) {
		t.Errorf("before delivery: %+v, want %+v", got, want)
	}

	mustDrain(t, w)
	got, err = e.q.ElectionOutbox(ctx, "a-b")
	if err != nil {
		t.Fatal(err)
	}
	if c := got[outbox.KindLink]; c.Pending != 0 || c.Delivered != 3 || c.Superseded != 1 {
		t.Errorf("links after delivery: %+v", c)
	}
	if got, _ := e.q.ElectionOutbox(ctx, "a"); got[outbox.KindLink].Delivered != 1 || got[outbox.KindGroupAdd].Delivered != 2 {
		t.Errorf("election a: %+v, want its own 1 link and 2 group adds", got)
	}
}

func equalCounts(a, b map[outbox.Kind]outbox.Counts) bool {
	for k, v := range a {
		if v != b[k] {
			return false
		}
	}
	for k, v := range b {
		if v != a[k] {
			return false
		}
	}
	return true
}

// The backlog series are read from the table at each scrape: a replica that does not drain
// reports the same figures as the one that does.
func TestBacklogMetricsAreReadAtScrapeTime(t *testing.T) {
	e := newEnv(t)
	reg := prometheus.NewRegistry()
	w := e.worker(t, nil, outbox.Options{Registerer: reg})
	other := e.worker(t, e.open(t), outbox.Options{}) // another replica, no metrics
	mustEnqueue(t, other, linkItem(5, 0), linkItem(6, 0), addItem(5))
	e.clock.Advance(90 * time.Second)
	if got := metric(t, reg, "civivote_outbox_backlog", "pending"); got != 3 {
		t.Errorf("pending = %v, want 3 queued by the other replica", got)
	}
	if got := metric(t, reg, "civivote_outbox_oldest_pending_age_seconds", "link"); got != 90 {
		t.Errorf("oldest link age = %v s, want 90", got)
	}
	if got := metric(t, reg, "civivote_outbox_oldest_pending_age_seconds", "relationship"); got != 0 {
		t.Errorf("oldest relationship age = %v s, want 0 with none", got)
	}
	if got := gauge(t, reg, "civivote_outbox_items", "kind", "group_add", "state", "due"); got != 1 {
		t.Errorf("due group adds = %v, want 1", got)
	}
	if got := gauge(t, reg, "civivote_outbox_stats_up"); got != 1 {
		t.Errorf("stats_up = %v", got)
	}
	mustDrain(t, other)
	if got := metric(t, reg, "civivote_outbox_backlog", "pending"); got != 0 {
		t.Errorf("pending after the other replica drained = %v", got)
	}
	if got := metric(t, reg, "civivote_outbox_oldest_pending_age_seconds", "link"); got != 0 {
		t.Errorf("oldest link age after delivery = %v s, want 0", got)
	}
	mustDrain(t, w) // nothing left for this replica
}

// gauge reads the series of name with exactly these label pairs.
func gauge(tb testing.TB, reg *prometheus.Registry, name string, labels ...string) float64 {
	tb.Helper()
	families, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			if len(m.GetLabel())*2 != len(labels) {
				continue
			}
			for i, l := range m.GetLabel() {
				if l.GetName() != labels[2*i] || l.GetValue() != labels[2*i+1] {
					continue next
				}
			}
			return m.GetGauge().GetValue()
		}
	}
	tb.Fatalf("no metric %s%v", name, labels)
	return 0
}
