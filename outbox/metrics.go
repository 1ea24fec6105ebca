package outbox

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the outbox's Prometheus series; kind is the only label.
type metrics struct {
	enqueued  *prometheus.CounterVec
	delivered *prometheus.CounterVec
	failed    *prometheus.CounterVec
	retries   *prometheus.CounterVec
	latency   *prometheus.HistogramVec
}

// newMetrics registers the Worker's counters and, as backlog, the collector that reads the
// backlog at scrape time.
func newMetrics(reg prometheus.Registerer, backlog prometheus.Collector) (*metrics, error) {
	m := &metrics{
		enqueued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civivote_outbox_enqueued_total",
			Help: "Items newly queued through the Worker (not those queued inside a store transaction).",
		}, []string{"kind"}),
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civivote_outbox_delivered_total", Help: "Items CiviCRM confirmed.",
		}, []string{"kind"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civivote_outbox_failed_total", Help: "Items CiviCRM refused for good (state failed).",
		}, []string{"kind"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civivote_outbox_retries_total", Help: "Items put back for a later attempt after a failed batch.",
		}, []string{"kind"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "civivote_outbox_batch_seconds",
			Help:    "Time to deliver one batch to CiviCRM, failures included.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 12),
		}, []string{"kind"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.enqueued, m.delivered, m.failed, m.retries, m.latency, backlog} {
		if err := reg.Register(c); err != nil {
			var already prometheus.AlreadyRegisteredError
			if errors.As(err, &already) {
				return nil, fmt.Errorf("outbox: metrics already registered: create one Worker per registry: %w", err)
			}
			return nil, fmt.Errorf("outbox: register metrics: %w", err)
		}
	}
	return m, nil
}
