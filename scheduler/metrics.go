package scheduler

import "github.com/prometheus/client_golang/prometheus"

type jobMetrics struct {
	runs        *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	lastSuccess *prometheus.GaugeVec
}

func newJobMetrics(reg prometheus.Registerer) *jobMetrics {
	m := &jobMetrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civivote_job_runs_total",
			Help: "Scheduled job ticks by outcome: succeeded, failed, elsewhere (another replica ran it) or skipped (the previous run was still going).",
		}, []string{"job", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "civivote_job_duration_seconds",
			Help:    "How long scheduled jobs ran on this replica.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 14),
		}, []string{"job"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "civivote_job_last_success_timestamp_seconds",
			Help: "When each job last succeeded on this replica (Unix time).",
		}, []string{"job"}),
	}
	reg.MustRegister(m.runs, m.duration, m.lastSuccess)
	return m
}
