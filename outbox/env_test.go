package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/scheduler/schedulertest"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

const linkField = "Union_Sync.voting_link"

// env is one test's world: its own database, a fake CiviCRM with the recorded site, the
// real client through the sink, and a clock the test moves.
type env struct {
	dsn    string
	db     *store.DB
	q      *store.Outbox
	srv    *civicrmtest.Server
	client *civicrm.Client
	clock  *schedulertest.Clock
}

func newEnv(tb testing.TB, srvOpts ...civicrmtest.Option) *env {
	tb.Helper()
	e := &env{dsn: storetest.NewDatabase(tb), clock: schedulertest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))}
	e.db = e.open(tb)
	e.q = e.db.Outbox()
	e.srv = civicrmtest.NewTestServer(tb, append([]civicrmtest.Option{civicrmtest.WithTranscriptSite()}, srvOpts...)...)
	// The client retries nothing itself, so every CiviCRM failure reaches the outbox.
	c, err := civicrm.New(civicrm.Config{
		BaseURL: e.srv.URL(), APIKey: civicrmtest.AdminKey, Timeout: 2 * time.Second,
		MaxRetries: -1, MaxServerErrorRetries: -1,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	}, zap.NewNop(), prometheus.NewRegistry())
	if err != nil {
		tb.Fatal(err)
	}
	e.client = c
	return e
}

// open opens another connection pool on the test's database, as another replica would.
func (e *env) open(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DSN: e.dsn, MaxOpenConns: 8, Now: e.clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}

// worker returns a Worker on db (e.db when nil) with no jitter, so waits are exact.
func (e *env) worker(tb testing.TB, db *store.DB, opts outbox.Options) *outbox.Worker {
	tb.Helper()
	if db == nil {
		db = e.db
	}
	if opts.Now == nil {
		opts.Now = e.clock.Now
	}
	if opts.Jitter == nil {
		opts.Jitter = func(int64) int64 { return 0 }
	}
	if opts.LinkURL == nil {
		opts.LinkURL = linkURL
	}
	w, err := outbox.New(db.Outbox(), civicrm.NewOutboxSink(e.client), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

func url(contact int64, gen int) string {
	return fmt.Sprintf("https://vote.example.org/v/secret-%d-%d", contact, gen)
}

// linkURL stands in for the token derivation of package election.
func linkURL(l outbox.Link) (string, error) { return url(l.ContactID, l.Generation), nil }

func linkItem(contact int64, gen int) outbox.Item {
	return outbox.SetLink(outbox.Link{Field: linkField, Election: "wise-ra-2023", ContactID: contact, Generation: gen})
}

var voters = outbox.Group{Name: "civivote_wise_ra_2023", Title: "WISE-RA 2023 voters"}

func addItem(contact int64) outbox.Item {
	return outbox.AddToGroup(outbox.Membership{Group: voters, ContactID: contact})
}

// members are the recorded site's contacts 5–54.
func members() []int64 {
	ids := make([]int64, 50)
	for i := range ids {
		ids[i] = int64(5 + i)
	}
	return ids
}

func mustEnqueue(tb testing.TB, w *outbox.Worker, items ...outbox.Item) int {
	tb.Helper()
	n, err := w.Enqueue(context.Background(), items...)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func mustDrain(tb testing.TB, w *outbox.Worker) outbox.Result {
	tb.Helper()
	r, err := w.Drain(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func mustStats(tb testing.TB, w *outbox.Worker) outbox.Stats {
	tb.Helper()
	s, err := w.Stats(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// checkLinks fails unless each contact holds its link of generation gen.
func (e *env) checkLinks(tb testing.TB, ids []int64, gen int) {
	tb.Helper()
	for _, id := range ids {
		if v, _ := e.srv.CustomValue(id, linkField); v != url(id, gen) {
			tb.Errorf("contact %d holds link %q, want generation %d", id, v, gen)
		}
	}
}

// savedOnce fails unless each contact was saved by exactly one successful call of entity:
// a failed call may have saved records before failing (the retried partial batch), but a
// batch that succeeded is never sent again.
func (e *env) savedOnce(tb testing.TB, entity string, ids []int64) {
	tb.Helper()
	key := "id"
	if entity == "GroupContact" {
		key = "contact_id"
	}
	count := map[int64]int{}
	for _, w := range e.srv.Writes() {
		if w.Entity != entity || w.Action != "save" || w.Err != "" {
			continue
		}
		for _, r := range w.Records {
			count[toInt(r[key])]++
		}
	}
	for _, id := range ids {
		if count[id] != 1 {
			tb.Errorf("contact %d was saved by %d successful %s.save calls, want 1", id, count[id], entity)
		}
	}
}

func toInt(v any) int64 {
	switch n := v.(type) {
	case float64:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	case json.Number:
		i, _ := n.Int64()
		return i
	}
	return -1
}
