package civicrm

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryable decides whether an attempt that failed with e is worth
// repeating. Writes are retried too: every write this client sends is a
// save by id or with match, or an update by where, so repeating one is safe.
func (c *Client) retryable(cl *call, e *APIError) bool {
	switch e.Kind {
	case KindTransport:
		return transientTransport(e.Err)
	case KindRateLimited:
		return true
	case KindServer, KindHTML, KindDecode:
		switch {
		case e.Status == http.StatusBadGateway, e.Status == http.StatusServiceUnavailable,
			e.Status == http.StatusGatewayTimeout:
			return true
		case e.Status >= 500 || e.Kind == KindDecode:
			// An empty or HTML 500 is usually PHP hitting a limit, and a
			// cut-off 200 body a dropped connection; both may pass on a
			// second try but may also repeat forever, hence the bound.
			if cl.serverRetries < c.cfg.MaxServerErrorRetries {
				cl.serverRetries++
				return true
			}
		}
	}
	// 3xx, 400, 401, 403, 404, 405, validation and not-found errors, and an
	// HTML page with a 2xx status (a login page or CMS page) will not change.
	return false
}

// transientTransport reports whether a transport error may pass: timeouts,
// refused and reset connections do; certificate and URL errors do not.
func transientTransport(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalidCert      x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalidCert):
		return false
	case err != nil && strings.Contains(err.Error(), "unsupported protocol scheme"):
		return false
	}
	return true
}

// retryWait is the pause before retry number n (1-based): what the server
// asked for in Retry-After, capped, or exponential backoff with jitter.
func (c *Client) retryWait(n int, retryAfter time.Duration, hasRetryAfter bool) time.Duration {
	if hasRetryAfter {
		return min(retryAfter, c.cfg.RetryAfterMax)
	}
	d := c.cfg.RetryWaitMin
	for i := 1; i < n && d < c.cfg.RetryWaitMax; i++ {
		d *= 2
	}
	d = min(d, c.cfg.RetryWaitMax)
	// "Equal jitter": at least half the backoff, so retries stay spaced out,
	// plus a random share so many clients do not retry in step.
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + time.Duration(c.cfg.Jitter(int64(half)+1))
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleepContext is the default Config.Sleep: a timer that gives up when ctx
// is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
