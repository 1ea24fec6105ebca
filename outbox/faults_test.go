package outbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// drainUntilEmpty drains and lets backoffs pass until nothing is pending, like the
// scheduled job ticking through an incident.
func drainUntilEmpty(tb testing.TB, e *env, w *outbox.Worker, maxWait time.Duration) outbox.Result {
	tb.Helper()
	var total outbox.Result
	for range 30 {
		r := mustDrain(tb, w)
		total.Batches += r.Batches
		total.Delivered += r.Delivered
		total.Failed += r.Failed
		total.Retried += r.Retried
		if mustStats(tb, w).Pending == 0 {
			return total
		}
		e.clock.Advance(maxWait)
	}
	tb.Fatalf("items still pending after 30 drains: %+v", mustStats(tb, w))
	return total
}

func TestFaultsLoseNothingAndDuplicateNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults []civicrmtest.Fault
		// late: CiviCRM completed a call whose answer civivote never got, so that batch
		// was written by a call that succeeded and again by the retry.
		late bool
	}{
		{name: "5xx bursts", faults: []civicrmtest.Fault{
			civicrmtest.Status(500).On("Contact", "save").Times(3),
			civicrmtest.Status(502).On("GroupContact", "save").Times(2),
			civicrmtest.Status(503).On("Group", "save").Times(1)}},
		{name: "429", faults: []civicrmtest.Fault{
			civicrmtest.TooManyRequests(30*time.Second).On("Contact", "save").Times(2),
			civicrmtest.TooManyRequests(5*time.Second).On("GroupContact", "save").Times(1)}},
		{name: "HTML 500 after some records applied", faults: []civicrmtest.Fault{
			civicrmtest.TimeLimit(7).On("Contact", "save").Times(2),
			civicrmtest.TimeLimit(4).On("GroupContact", "save").Times(1)}},
		// Slow rather than Hang: the fake's Hang answers only when the server sees the
		// client go, which it cannot before reading the body, so the test server never
		// closes. Slow past the client's 2 s timeout is also the harder case: CiviCRM
		// goes on writing after civivote stopped waiting.
		{name: "answer slower than the client's timeout", faults: []civicrmtest.Fault{
			civicrmtest.Slow(2500*time.Millisecond).On("Contact", "save").Times(1)}, late: true},
		{name: "connection cut mid-answer", faults: []civicrmtest.Fault{
			civicrmtest.TruncatedBody().On("Contact", "save").Times(1),
			civicrmtest.TruncatedBody().On("GroupContact", "save").Times(1)}, late: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			w := e.worker(t, nil, outbox.Options{BatchSize: 20, MinBackoff: 10 * time.Second, MaxBackoff: time.Minute})
			ids := members()
			for _, id := range ids {
				mustEnqueue(t, w, linkItem(id, 0), addItem(id))
			}
			e.srv.Inject(tc.faults...)
			r := drainUntilEmpty(t, e, w, time.Minute)
			if r.Retried == 0 || r.Failed != 0 || r.Delivered != 2*len(ids) {
				t.Errorf("drains = %+v, want every item delivered after at least one retry", r)
			}
			e.checkLinks(t, ids, 0)
			if !tc.late {
				e.savedOnce(t, "Contact", ids)
				e.savedOnce(t, "GroupContact", ids)
			}
			g, _ := e.srv.GroupByName(voters.Name)
			in := e.srv.GroupMembers(g.ID)
			for _, id := range ids {
				if in[id] != "Added" {
					t.Errorf("contact %d in group: %q", id, in[id])
				}
			}
		})
	}
}

func TestOutageIsVisibleAndRecovers(t *testing.T) {
	e := newEnv(t)
	reg := prometheus.NewRegistry()
	w := e.worker(t, nil, outbox.Options{Registerer: reg, BatchSize: 2})
	ids := members()[:10]
	for _, id := range ids {
		mustEnqueue(t, w, linkItem(id, 0))
	}
	e.srv.Inject(civicrmtest.Status(503).Times(0)) // maintenance mode until cleared
	for range 5 {
		calls := e.srv.Calls("Contact", "save")
		mustDrain(t, w)
		// Each of the two writers gives up on links after its first failed batch.
		if got := e.srv.Calls("Contact", "save") - calls; got != 2 {
			t.Errorf("a drain during the outage made %d Contact.save calls, want 2", got)
		}
		e.clock.Advance(30 * time.Minute)
	}
	st := mustStats(t, w)
	if st.Pending != 10 || st.Failed != 0 || !st.OldestPending.Equal(e.clock.Now().Add(-150*time.Minute)) {
		t.Errorf("stats during the outage = %+v", st)
	}
	if got := metric(t, reg, "civivote_outbox_backlog", "pending"); got != 10 {
		t.Errorf("backlog gauge = %v, want 10", got)
	}
	e.srv.ClearFaults()
	e.clock.Advance(30 * time.Minute)
	if r := mustDrain(t, w); r.Delivered != 10 {
		t.Errorf("drain after the outage = %+v", r)
	}
	e.checkLinks(t, ids, 0)
	if got := metric(t, reg, "civivote_outbox_delivered_total", "link"); got != 10 {
		t.Errorf("delivered counter = %v", got)
	}
	if got := metric(t, reg, "civivote_outbox_retries_total", "link"); got != 20 {
		t.Errorf("retries counter = %v, want 5 drains × 2 batches × 2 items", got)
	}
}

func TestBackoffDoublesUpToTheCap(t *testing.T) {
	e := newEnv(t)
	w := e.worker(t, nil, outbox.Options{MinBackoff: 10 * time.Second, MaxBackoff: time.Minute})
	mustEnqueue(t, w, linkItem(5, 0))
	e.srv.Inject(civicrmtest.Status(500).On("Contact", "save").Times(0))
	mustDrain(t, w)
	for i, wait := range []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, time.Minute, time.Minute} {
		calls := e.srv.Calls("Contact", "save")
		e.clock.Advance(wait - time.Millisecond)
		mustDrain(t, w)
		if got := e.srv.Calls("Contact", "save"); got != calls {
			t.Fatalf("retry %d came before its %v wait", i+1, wait)
		}
		e.clock.Advance(time.Millisecond)
		mustDrain(t, w)
		if got := e.srv.Calls("Contact", "save"); got != calls+1 {
			t.Fatalf("retry %d did not come after %v (calls %d → %d)", i+1, wait, calls, got)
		}
	}
}

func TestCrashedWorkersClaimExpires(t *testing.T) {
	e := newEnv(t)
	w := e.worker(t, nil, outbox.Options{ClaimTTL: 5 * time.Minute})
	mustEnqueue(t, w, linkItem(5, 0), linkItem(6, 0))
	// A replica claims the batch and dies before writing it.
	now := e.clock.Now()
	got, err := e.q.Claim(context.Background(), outbox.ClaimRequest{Kind: outbox.KindLink, Token: "dead-replica:1",
		Limit: 10, Now: now, Until: now.Add(5 * time.Minute)})
	if err != nil || len(got) != 2 {
		t.Fatalf("claim = %v, %v", got, err)
	}
	if r := mustDrain(t, w); r.Batches != 0 {
		t.Errorf("drain took claimed items: %+v", r)
	}
	e.clock.Advance(5 * time.Minute)
	if r := mustDrain(t, w); r.Delivered != 2 {
		t.Errorf("drain after the claim expired = %+v", r)
	}
	e.checkLinks(t, []int64{5, 6}, 0)
	// The dead replica wakes up and reports a failure: it no longer holds the claim.
	err = e.q.Settle(context.Background(), "dead-replica:1", e.clock.Now(), []outbox.Outcome{
		{ID: got[0].ID, State: outbox.StateFailed, Err: "late"}})
	if err != nil {
		t.Fatal(err)
	}
	if st := mustStats(t, w); st.Failed != 0 {
		t.Errorf("a stale claim's settle changed an item: %+v", st)
	}
}

// cancelingSink cancels the drain as the first link batch goes out, like a SIGTERM.
type cancelingSink struct {
	outbox.Sink
	cancel context.CancelFunc
}

func (s cancelingSink) SetLinks(ctx context.Context, field string, links []outbox.ContactURL) ([]outbox.Rejection, error) {
	s.cancel()
	return s.Sink.SetLinks(ctx, field, links)
}

func TestShutdownHandsTheBatchBack(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := outbox.New(e.q, cancelingSink{civicrm.NewOutboxSink(e.client), cancel},
		outbox.Options{Now: e.clock.Now, Writers: 1, LinkURL: linkURL})
	if err != nil {
		t.Fatal(err)
	}
	mustEnqueue(t, w, linkItem(5, 0), linkItem(6, 0), linkItem(7, 0))
	if _, err := w.Drain(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("drain = %v, want canceled", err)
	}
	// Due again at once, not after the claim's ten minutes.
	if st := mustStats(t, w); st.Pending != 3 || st.Due != 3 {
		t.Errorf("stats after shutdown = %+v", st)
	}
	next := e.worker(t, nil, outbox.Options{})
	if r := mustDrain(t, next); r.Delivered != 3 {
		t.Errorf("next drain = %+v", r)
	}
	e.checkLinks(t, []int64{5, 6, 7}, 0)
}

func TestTwoReplicasDeliverEachItemOnce(t *testing.T) {
	e := newEnv(t, civicrmtest.WithRoster(1100, 7))
	var ids []int64
	for id := int64(55); len(ids) < 1000; id++ {
		if _, ok := e.srv.Contact(id); ok {
			ids = append(ids, id)
		}
	}
	w1 := e.worker(t, nil, outbox.Options{ID: "replica-1", BatchSize: 25})
	w2 := e.worker(t, e.open(t), outbox.Options{ID: "replica-2", BatchSize: 25})
	var items []outbox.Item
	for _, id := range ids {
		items = append(items, linkItem(id, 0), addItem(id))
	}
	mustEnqueue(t, w1, items...)

	var wg sync.WaitGroup
	results := make([]outbox.Result, 2)
	for i, w := range []*outbox.Worker{w1, w2} {
		wg.Go(func() { results[i] = mustDrain(t, w) })
	}
	wg.Wait()
	t.Logf("replica 1: %+v; replica 2: %+v", results[0], results[1])
	if got := results[0].Delivered + results[1].Delivered; got != 2*len(ids) {
		t.Errorf("delivered %d items between the replicas, want %d", got, 2*len(ids))
	}
	e.savedOnce(t, "Contact", ids)
	e.savedOnce(t, "GroupContact", ids)
	e.checkLinks(t, ids, 0)
	if st := mustStats(t, w1); st.Pending != 0 || st.Failed != 0 {
		t.Errorf("stats = %+v", st)
	}
}

// metric reads the value of a counter or gauge whose one label has the value label.
func metric(tb testing.TB, reg *prometheus.Registry, name, label string) float64 {
	tb.Helper()
	families, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) == 1 && m.GetLabel()[0].GetValue() == label {
				return value(m)
			}
		}
	}
	tb.Fatalf("no metric %s{%s}", name, label)
	return 0
}

func value(m *dto.Metric) float64 {
	if m.Counter != nil {
		return m.GetCounter().GetValue()
	}
	return m.GetGauge().GetValue()
}

// cancelingStore is the real store, with a shutdown that lands just as a batch's outcome is
// about to be recorded: after CiviCRM has answered and after the worker last looked at its
// context.
type cancelingStore struct {
	*store.Outbox
	cancel context.CancelFunc
}

func (s cancelingStore) Settle(ctx context.Context, token string, now time.Time, outcomes []outbox.Outcome) error {
	s.cancel()
	return s.Outbox.Settle(ctx, token, now, outcomes)
}

func TestShutdownWhileRecordingADeliveryStillRecordsIt(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := outbox.New(cancelingStore{e.q, cancel}, civicrm.NewOutboxSink(e.client),
		outbox.Options{Now: e.clock.Now, Writers: 1, LinkURL: linkURL})
	if err != nil {
		t.Fatal(err)
	}
	mustEnqueue(t, w, linkItem(5, 0), linkItem(6, 0), linkItem(7, 0))
	w.Drain(ctx)
	// Delivered and recorded as delivered: nothing left claimed, nothing to send again.
	if st := mustStats(t, w); st.Pending != 0 || st.Failed != 0 {
		t.Errorf("stats after a shutdown while recording = %+v, want nothing pending or failed", st)
	}
	e.checkLinks(t, []int64{5, 6, 7}, 0)
}
