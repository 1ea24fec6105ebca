package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Options configures a Worker. Zero values take the defaults noted.
type Options struct {
	// BatchSize is the most records sent in one CiviCRM call. Default 150: Contact.save
	// costs about 14 ms of server CPU per record, so a batch takes about 2 s, far from
	// PHP's 30 s limit that cuts a 5,000-record save half-applied (throughput.md).
	BatchSize int
	// Writers is how many batches are in flight at once. Default 2: a real site's two
	// cores gain nothing from more (148 records/s at 2, 116 at 4).
	Writers int
	// ClaimTTL is how long a claimed batch stays reserved; a crashed worker's items come
	// back after it. A batch that runs longer is cut at nine tenths of it. Default 10m.
	ClaimTTL time.Duration
	// MinBackoff and MaxBackoff bound the wait before retrying a failed batch: doubled per
	// attempt, jittered. Defaults 10s and 30m.
	MinBackoff, MaxBackoff time.Duration
	// ID names this worker in claims; default a random id. Replicas must differ.
	ID string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Jitter returns a random number in [0, n); default math/rand/v2.
	Jitter func(n int64) int64
	// Registerer receives the metrics; nil registers none.
	Registerer prometheus.Registerer
	// LinkURL derives a link's URL (PUBLIC_URL/v/{token}) when it is delivered; required.
	// An error fails the batch's links for a retry.
	LinkURL func(Link) (string, error)
}

// Worker queues writes and delivers them. It is safe for concurrent use; several Workers,
// in one process or many, may work one queue.
type Worker struct {
	store  Store
	sink   Sink
	opts   Options
	m      *metrics
	claims atomic.Int64

	mu     sync.Mutex
	groups map[string]int64 // group name → CiviCRM id, resolved once
}

// New returns a Worker delivering the items of s through sink.
func New(s Store, sink Sink, opts Options) (*Worker, error) {
	if s == nil || sink == nil {
		return nil, errors.New("outbox: a store and a sink are required")
	}
	if opts.LinkURL == nil {
		return nil, errors.New("outbox: Options.LinkURL is required: voting links are derived when delivered, " +
			"never stored")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opts.ClaimTTL, 10*time.Minute)
	def(&opts.MinBackoff, 10*time.Second)
	def(&opts.MaxBackoff, 30*time.Minute)
	opts.MaxBackoff = max(opts.MaxBackoff, opts.MinBackoff)
	if opts.BatchSize <= 0 {
		opts.BatchSize = 150
	}
	if opts.Writers <= 0 {
		opts.Writers = 2
	}
	if opts.ID == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		opts.ID = "outbox-" + hex.EncodeToString(b[:])
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Jitter == nil {
		opts.Jitter = mrand.Int64N
	}
	w := &Worker{store: s, sink: sink, opts: opts, groups: map[string]int64{}}
	m, err := newMetrics(opts.Registerer, backlogCollector{w})
	if err != nil {
		return nil, err
	}
	w.m = m
	return w, nil
}

// Enqueue queues items idempotently and returns how many were new. To queue items in the
// same transaction as other writes, use the store's EnqueueTx instead.
func (w *Worker) Enqueue(ctx context.Context, items ...Item) (int, error) {
	byKind := map[Kind][]Item{}
	for _, it := range items {
		if err := it.Validate(); err != nil {
			return 0, err
		}
		byKind[it.Kind] = append(byKind[it.Kind], it)
	}
	total := 0
	for _, k := range kinds {
		if len(byKind[k]) == 0 {
			continue
		}
		n, err := w.store.Enqueue(ctx, byKind[k])
		if err != nil {
			return total, fmt.Errorf("outbox: enqueue: %w", err)
		}
		w.m.enqueued.WithLabelValues(string(k)).Add(float64(n))
		total += n
	}
	return total, nil
}

// Result sums up a Drain.
type Result struct {
	Batches   int // CiviCRM batches attempted
	Delivered int // items confirmed
	Failed    int // items refused for good
	Retried   int // items put back for a later attempt
}

func (r *Result) add(o Result) {
	r.Batches += o.Batches
	r.Delivered += o.Delivered
	r.Failed += o.Failed
	r.Retried += o.Retried
}

// Drain delivers due items with Options.Writers concurrent writers until none is due or
// ctx ends. Items that fail are rescheduled, so Drain ends even while CiviCRM is down. It is
// the scheduled job (run it under a lease every few seconds) and what an admin's "deliver
// now" calls. The error reports database trouble; CiviCRM trouble is in the items.
func (w *Worker) Drain(ctx context.Context) (Result, error) {
	var (
		mu   sync.Mutex
		res  Result
		errs []error
		wg   sync.WaitGroup
	)
	for range w.opts.Writers {
		wg.Go(func() {
			r, err := w.writer(ctx)
			mu.Lock()
			defer mu.Unlock()
			res.add(r)
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	return res, ctx.Err()
}

// writer takes batches of every kind in turn until a full round finds nothing due.
func (w *Worker) writer(ctx context.Context) (Result, error) {
	var res Result
	// A batch that failed whole says CiviCRM is failing: this writer leaves the kind alone
	// until the next drain, so an outage costs one failed call per writer and kind per
	// drain, not one per batch of the backlog.
	stalled := map[Kind]bool{}
	for ctx.Err() == nil {
		busy := false
		for _, k := range kinds {
			if stalled[k] {
				continue
			}
			r, err := w.batch(ctx, k)
			res.add(r)
			if err != nil {
				return res, err
			}
			stalled[k] = r.Retried > 0 && r.Delivered == 0
			busy = busy || r.Batches > 0
		}
		if !busy {
			break
		}
	}
	return res, nil
}

// Retry makes the failed items with these ids due again, for an administrator who fixed
// the cause (restored a contact, say). It returns how many it changed.
func (w *Worker) Retry(ctx context.Context, ids ...int64) (int, error) {
	if len(ids) == 0 {
		return 0, errors.New("outbox: retry: no item ids given (use RetryFailed to retry every failed item)")
	}
	n, err := w.store.Retry(ctx, ids, w.opts.Now())
	if err != nil {
		return 0, fmt.Errorf("outbox: retry: %w", err)
	}
	return n, nil
}

// RetryFailed makes every failed item due again and returns how many there were.
func (w *Worker) RetryFailed(ctx context.Context) (int, error) {
	n, err := w.store.Retry(ctx, nil, w.opts.Now())
	if err != nil {
		return 0, fmt.Errorf("outbox: retry failed items: %w", err)
	}
	return n, nil
}

// Stats reads the backlog.
func (w *Worker) Stats(ctx context.Context) (Stats, error) {
	s, err := w.store.Stats(ctx, w.opts.Now())
	if err != nil {
		return s, fmt.Errorf("outbox: stats: %w", err)
	}
	return s, nil
}

// Failed lists up to limit failed items with their errors, oldest first.
func (w *Worker) Failed(ctx context.Context, limit int) ([]Entry, error) {
	es, err := w.store.Failed(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox: list failed items: %w", err)
	}
	return es, nil
}
