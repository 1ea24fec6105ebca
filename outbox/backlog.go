package outbox

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// statsTimeout bounds the backlog query of one scrape, so a slow database slows /metrics
// by at most this much.
const statsTimeout = 5 * time.Second

// The backlog series, read from the table at each scrape so that every replica reports the
// same figures, whichever one drains.
var (
	backlogDesc = prometheus.NewDesc("civivote_outbox_backlog",
		"Items waiting for CiviCRM by state: pending (waiting, due or not), due (pending and due now), failed (refused for good until an admin retries them).",
		[]string{"state"}, nil)
	kindDesc = prometheus.NewDesc("civivote_outbox_items",
		"Items waiting for CiviCRM by kind (link, group_add, group_remove, relationship) and state (pending, due, failed).",
		[]string{"kind", "state"}, nil)
	ageDesc = prometheus.NewDesc("civivote_outbox_oldest_pending_age_seconds",
		"Age of the oldest pending item of each kind; 0 when none is pending. A growing age means CiviCRM is not taking writes.",
		[]string{"kind"}, nil)
	upDesc = prometheus.NewDesc("civivote_outbox_stats_up",
		"1 when this scrape could read the outbox backlog from the database, 0 when not (the backlog series are then missing).",
		nil, nil)
)

// backlogCollector reports the backlog at scrape time.
type backlogCollector struct{ w *Worker }

// Describe is part of prometheus.Collector.
func (c backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{backlogDesc, kindDesc, ageDesc, upDesc} {
		ch <- d
	}
}

// Collect is part of prometheus.Collector. A failed query gives stats_up 0 rather than a
// scrape error, which would hide every other series of the process.
func (c backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), statsTimeout)
	defer cancel()
	now := c.w.opts.Now()
	s, err := c.w.store.Stats(ctx, now)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1)
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(backlogDesc, float64(s.Pending), "pending")
	gauge(backlogDesc, float64(s.Due), "due")
	gauge(backlogDesc, float64(s.Failed), "failed")
	// Every kind, zeros included, so alerts have a series to watch before the first item.
	for _, k := range kinds {
		ks := s.ByKind[k]
		gauge(kindDesc, float64(ks.Pending), string(k), "pending")
		gauge(kindDesc, float64(ks.Due), string(k), "due")
		gauge(kindDesc, float64(ks.Failed), string(k), "failed")
		age := 0.0
		if !ks.OldestPending.IsZero() {
			age = max(0, now.Sub(ks.OldestPending).Seconds())
		}
		gauge(ageDesc, age, string(k))
	}
}
