package roster_test

import (
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func slicesSort(s []int64) { slices.Sort(s) }

// counterValue sums every series of the named counter or gauge.
func counterValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}
