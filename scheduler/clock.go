package scheduler

import "time"

// Clock is the scheduler's source of time. Production uses the real clock; tests use
// schedulertest.Clock and move time by hand, so a cron trigger is tested without waiting.
type Clock interface {
	Now() time.Time
	// Timer returns a channel that receives once d has passed, and a function that
	// cancels it; a cancelled timer no longer counts as a waiter.
	Timer(d time.Duration) (<-chan time.Time, func())
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }
func (realClock) Timer(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
