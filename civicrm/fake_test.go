package civicrm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/roster"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// recordedDay is when the transcripts were recorded; the fake's dates
// follow it so statuses match them.
var recordedDay = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// newFake starts a fake CiviCRM and a client for it whose retries record
// their waits instead of sleeping.
func newFake(tb testing.TB, key string, mods []func(*civicrm.Config), opts ...civicrmtest.Option) (*civicrm.Client, *civicrmtest.Server, *waits) {
	tb.Helper()
	opts = append([]civicrmtest.Option{civicrmtest.WithClock(func() time.Time { return recordedDay })}, opts...)
	srv := civicrmtest.NewTestServer(tb, opts...)
	w := &waits{}
	cfg := civicrm.Config{BaseURL: srv.URL(), APIKey: key, Sleep: w.sleep, Timeout: 2 * time.Second,
		Now: func() time.Time { return recordedDay }}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := civicrm.New(cfg, zap.NewNop(), prometheus.NewRegistry())
	if err != nil {
		tb.Fatal(err)
	}
	return c, srv, w
}

// pass runs one Memberships pass through the roster adapter and folds it by contact with
// the roster's rule, as the sync does.
func pass(tb testing.TB, c *civicrm.Client, q civicrm.MemberQuery) (map[int64]roster.Member, int, error) {
	tb.Helper()
	members := map[int64]roster.Member{}
	rows := 0
	for m, err := range civicrm.NewRosterSource(c, q).Memberships(context.Background()) {
		if err != nil {
			return members, rows, err
		}
		rows++
		members[m.ContactID] = roster.Fold(members[m.ContactID], roster.MemberOf(m))
	}
	return members, rows, nil
}
