package roster

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	lastSuccess prometheus.Gauge
	duration    prometheus.Histogram
	good        prometheus.Gauge
	lapsed      prometheus.Gauge
	stale       prometheus.Gauge
	failures    *prometheus.CounterVec
	guardTrips  *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Name: "civivote_roster_last_success_timestamp_seconds",
			Help: "When the last roster sync that applied finished (Unix time)."}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "civivote_roster_sync_duration_seconds",
			Help: "How long roster sync runs take, whatever their outcome.", Buckets: prometheus.ExponentialBuckets(0.5, 2, 10)}),
		good: prometheus.NewGauge(prometheus.GaugeOpts{Name: "civivote_roster_members_in_good_standing",
			Help: "Members in good standing after the last applied sync."}),
		lapsed: prometheus.NewGauge(prometheus.GaugeOpts{Name: "civivote_roster_lapsed_last_run",
			Help: "Members the last applied sync lapsed."}),
		stale: prometheus.NewGauge(prometheus.GaugeOpts{Name: "civivote_roster_stale_memberships",
			Help: "Current memberships whose end date plus the grace period has passed (CiviCRM's status job stalled?)."}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "civivote_roster_sync_failures_total",
			Help: "Roster sync runs that did not apply, by reason."}, []string{"reason"}),
		guardTrips: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "civivote_roster_guard_trips_total",
			Help: "Roster sync runs a guard stopped, by guard: alert on any increase."}, []string{"guard"}),
	}
	if reg != nil {
		reg.MustRegister(m.lastSuccess, m.duration, m.good, m.lapsed, m.stale, m.failures, m.guardTrips)
	}
	return m
}
