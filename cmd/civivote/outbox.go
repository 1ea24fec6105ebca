package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/scheduler"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// outboxLease names the lease of the drain: one replica delivers at a time, so CiviCRM sees
// at most CIVIVOTE_OUTBOX_WRITERS concurrent writers however many replicas run.
const outboxLease = "outbox-drain"

// newOutboxWorker builds the Worker that delivers the outbox through crm. id names this
// process in claims; reg receives its metrics (nil: none); now is its clock (nil: time.Now).
func newOutboxWorker(cfg *config.Config, db *store.DB, crm *civicrm.Client, id string, reg prometheus.Registerer,
	now func() time.Time) (*outbox.Worker, error) {
	w, err := outbox.New(db.Outbox(), civicrm.NewOutboxSink(crm), outbox.Options{
		BatchSize:  cfg.OutboxBatch,
		Writers:    cfg.OutboxWriters,
		ClaimTTL:   cfg.OutboxClaimTTL,
		MinBackoff: cfg.OutboxRetryMin,
		MaxBackoff: cfg.OutboxRetryMax,
		ID:         "outbox/" + id,
		Now:        now,
		Registerer: reg,
		LinkURL:    linkURL(cfg),
	})
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return w, nil
}

// linkURL derives a member's personal link, PUBLIC_URL/v/TOKEN, when the outbox delivers it:
// the URL is a personal secret, so it is never stored, and never logged.
func linkURL(cfg *config.Config) func(outbox.Link) (string, error) {
	base := strings.TrimRight(cfg.PublicURL, "/") + "/v/"
	secret := []byte(cfg.TokenSecret)
	return func(l outbox.Link) (string, error) {
		if l.Election == "" || l.ContactID <= 0 {
			return "", fmt.Errorf("the queued link has no election or contact")
		}
		return base + election.DeriveToken(secret, l.Election, l.ContactID, l.Generation), nil
	}
}

// outboxDrainJob delivers what is due on every tick of spec, under the lease. A drain works
// until nothing is due; on shutdown it hands its batch back at once, and the rows, being
// durable, are delivered after the restart.
func outboxDrainJob(w *outbox.Worker, spec string, log *zap.Logger) scheduler.Job {
	return scheduler.Job{Name: outboxLease, Spec: spec, Quiet: true, Run: func(ctx context.Context) error {
		res, err := w.Drain(ctx)
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			log.Info("outbox drain stopped for shutdown; the rest is delivered after the restart",
				zap.Int("delivered", res.Delivered), zap.Int("retried", res.Retried))
			return nil
		}
		if res.Batches > 0 {
			fields := []zap.Field{zap.Int("batches", res.Batches), zap.Int("delivered", res.Delivered),
				zap.Int("failed", res.Failed), zap.Int("retried", res.Retried)}
			if st, serr := w.Stats(ctx); serr == nil {
				fields = append(fields, zap.Int("pending", st.Pending), zap.Int("failed_total", st.Failed))
			}
			if res.Failed > 0 {
				log.Warn("outbox drained", append(fields, zap.String("advice",
					"CiviCRM refused some writes for good: `civivote outbox failed` says why"))...)
			} else {
				log.Info("outbox drained", fields...)
			}
		}
		return err
	}}
}

// outboxAdmin gives the admin API and the CLI the outbox in web's terms. It needs only the
// table, not CiviCRM: retrying makes items due, and the serving daemon delivers them.
type outboxAdmin struct {
	q   outbox.Store
	now func() time.Time
}

func (a outboxAdmin) OutboxStats(ctx context.Context) (web.OutboxStats, error) {
	s, err := a.q.Stats(ctx, a.now())
	if err != nil {
		return web.OutboxStats{}, err
	}
	out := web.OutboxStats{Pending: s.Pending, Due: s.Due, Failed: s.Failed, OldestPending: timePtr(s.OldestPending),
		ByKind: map[string]web.OutboxKindStats{}}
	for k, ks := range s.ByKind {
		out.ByKind[string(k)] = web.OutboxKindStats{Pending: ks.Pending, Due: ks.Due, Failed: ks.Failed,
			OldestPending: timePtr(ks.OldestPending)}
	}
	return out, nil
}

func (a outboxAdmin) FailedOutboxItems(ctx context.Context, limit int) ([]web.OutboxItem, error) {
	es, err := a.q.Failed(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]web.OutboxItem, len(es))
	for i, e := range es {
		out[i] = web.OutboxItem{ID: e.ID, Kind: string(e.Kind), Key: e.Key, Attempts: e.Attempts,
			LastError: e.LastError, CreatedAt: e.CreatedAt}
	}
	return out, nil
}

func (a outboxAdmin) RetryOutbox(ctx context.Context, ids []int64) (int, error) {
	if ids != nil && len(ids) == 0 {
		return 0, nil
	}
	return a.q.Retry(ctx, ids, a.now())
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// writeElectionOutbox prints, for election show, how far the election's links and group
// changes have got to CiviCRM: the comms admin sends the announcement once nothing waits.
func writeElectionOutbox(ctx context.Context, w io.Writer, db *store.DB, slug string) error {
	counts, err := db.Outbox().ElectionOutbox(ctx, slug)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nCiviCRM outbox (links, group changes, officers):")
	line := func(label string, c outbox.Counts) {
		fmt.Fprintf(w, "  %-21s%d pending, %d failed, %d delivered\n", label+":", c.Pending, c.Failed, c.Delivered)
	}
	groups := counts[outbox.KindGroupAdd].Add(counts[outbox.KindGroupRemove])
	roll := counts[outbox.KindLink].Add(groups)
	officers := counts[outbox.KindRelationship]
	line("links", counts[outbox.KindLink])
	line("group changes", groups)
	if officers.Pending+officers.Failed+officers.Delivered > 0 {
		line("officers", officers)
	}
	all := roll.Add(officers)
	switch {
	case all.Pending+all.Failed+all.Delivered == 0:
		fmt.Fprintln(w, "  nothing queued yet: links are issued when nominations open (or `civivote tokens issue`)")
	case all.Failed > 0:
		fmt.Fprintln(w, "  some writes failed: `civivote outbox failed` says why, `civivote outbox retry` queues them again")
	case roll.Pending > 0:
		fmt.Fprintln(w, "  writes are on their way: send the announcement once nothing is pending")
	case officers.Pending > 0:
		fmt.Fprintf(w, "  the officers are on their way to CiviCRM: `civivote writeback %s --verify` checks them once nothing is pending\n", slug)
	default:
		fmt.Fprintln(w, "  everything has reached CiviCRM")
	}
	return nil
}
