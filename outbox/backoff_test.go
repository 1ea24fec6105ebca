package outbox

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const lo, hi = 10 * time.Second, 30 * time.Minute
	none := func(int64) int64 { return 0 }
	most := func(n int64) int64 { return n - 1 }
	for _, tc := range []struct {
		attempt int
		jitter  func(int64) int64
		want    time.Duration
	}{
		{1, none, 10 * time.Second},
		{2, none, 20 * time.Second},
		{5, none, 160 * time.Second},
		{8, none, 1280 * time.Second},
		{9, none, hi}, // 2560 s, capped
		{1000, none, hi},
		{1, most, 5*time.Second + 1},
		{1000, most, 15*time.Minute + 1},
	} {
		if got := backoff(tc.attempt, lo, hi, tc.jitter); got != tc.want {
			t.Errorf("backoff(attempt %d) = %v, want %v", tc.attempt, got, tc.want)
		}
	}
}
