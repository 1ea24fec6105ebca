package outbox

import "time"

// backoff returns the wait before attempt+1 after attempt failed: min doubled per attempt,
// capped at max, then jittered down by up to half so that many items that failed together
// (one CiviCRM outage) do not all come back at the same instant.
func backoff(attempt int, lo, hi time.Duration, jitter func(int64) int64) time.Duration {
	d := lo
	for i := 1; i < attempt && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	if half := int64(d / 2); half > 0 {
		d -= time.Duration(jitter(half))
	}
	return d
}
