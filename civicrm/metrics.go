package civicrm

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the client's Prometheus series. They are registered on the
// Registerer given to New, never on the global registry, so tests and
// several clients in one process do not collide.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	retries  *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "civivote", Subsystem: "civicrm", Name: "requests_total",
			Help: "HTTP requests to CiviCRM APIv4 (each attempt), by entity, action and outcome " +
				"(ok or the error kind).",
		}, []string{"entity", "action", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "civivote", Subsystem: "civicrm", Name: "request_duration_seconds",
			Help:    "Time from sending a CiviCRM APIv4 request to having read its whole answer.",
			Buckets: []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"entity", "action"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "civivote", Subsystem: "civicrm", Name: "retries_total",
			Help: "CiviCRM APIv4 requests repeated after a failed attempt, by entity, action and " +
				"the failure's kind.",
		}, []string{"entity", "action", "reason"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.retries} {
		if err := reg.Register(c); err != nil {
			var already prometheus.AlreadyRegisteredError
			if errors.As(err, &already) {
				return nil, fmt.Errorf("civicrm: metrics already registered (one client per registry): %w", err)
			}
			return nil, fmt.Errorf("civicrm: register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) observe(entity, action string, outcome Kind, took time.Duration) {
	o := string(outcome)
	if o == "" {
		o = "ok"
	}
	m.requests.WithLabelValues(entity, action, o).Inc()
	m.latency.WithLabelValues(entity, action).Observe(took.Seconds())
}

func (m *metrics) retry(entity, action string, reason Kind) {
	m.retries.WithLabelValues(entity, action, string(reason)).Inc()
}
