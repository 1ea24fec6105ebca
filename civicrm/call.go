package civicrm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// call is the state of one APIv4 call across its attempts. It travels in
// the request's context because retryablehttp's hooks see only the request.
type call struct {
	req           *request
	buf           *bytes.Buffer
	attempts      int
	serverRetries int
	started       time.Time
	last          *APIError // the latest attempt's failure
	retryAfter    time.Duration
	hasRetryAfter bool
}

type callKey struct{}

func callFrom(ctx context.Context) *call {
	cl, _ := ctx.Value(callKey{}).(*call)
	return cl
}

// handleResponse reads and judges each answer inside retryablehttp's loop,
// so that a body cut short or a 5xx found only by reading can be retried.
func (c *Client) handleResponse(cl *call) func(*http.Response) error {
	return func(resp *http.Response) error {
		r := cl.req
		cl.last, cl.hasRetryAfter = nil, false
		cl.buf.Reset()
		_, err := cl.buf.ReadFrom(io.LimitReader(resp.Body, maxBody+1))
		var e *APIError
		switch {
		case err != nil:
			e = &APIError{Kind: KindTransport, Status: resp.StatusCode, Entity: r.entity, Action: r.action, Err: err}
		case cl.buf.Len() > maxBody:
			e = &APIError{Kind: KindDecode, Status: resp.StatusCode, Entity: r.entity, Action: r.action,
				Err: errors.New("the answer is larger than 64 MiB: use smaller pages or batches")}
		default:
			e = classify(resp.StatusCode, resp.Header, cl.buf.Bytes(), r.entity, r.action)
			if e == nil {
				if derr := r.decode(cl.buf.Bytes()); derr != nil {
					e = &APIError{Kind: KindDecode, Status: resp.StatusCode, Entity: r.entity,
						Action: r.action, Err: derr}
				}
			}
		}
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now()); ok {
			cl.retryAfter, cl.hasRetryAfter = d, true
		}
		if e == nil {
			c.metrics.observe(r.entity, r.action, "", time.Since(cl.started))
			return nil
		}
		c.metrics.observe(r.entity, r.action, e.Kind, time.Since(cl.started))
		cl.last = e
		return e
	}
}

// checkRetry is retryablehttp's CheckRetry. An answer without error is
// passed on to handleResponse, which judges it; a judged failure or a
// transport error is retried when retryable says so.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	cl := callFrom(ctx)
	if err == nil || cl == nil {
		return false, nil
	}
	var e *APIError
	if !errors.As(err, &e) {
		r := cl.req
		e = &APIError{Kind: KindTransport, Entity: r.entity, Action: r.action, Err: err}
		c.metrics.observe(r.entity, r.action, e.Kind, time.Since(cl.started))
		cl.last, cl.hasRetryAfter = e, false
	}
	return c.retryable(cl, e), nil
}

// prepareRetry runs before every repeated attempt: it counts and logs the
// retry, then waits.
func (c *Client) prepareRetry(req *http.Request) error {
	cl := callFrom(req.Context())
	if cl == nil {
		return nil
	}
	var reason Kind = KindTransport
	status := 0
	if cl.last != nil {
		reason, status = cl.last.Kind, cl.last.Status
	}
	wait := c.retryWait(cl.attempts, cl.retryAfter, cl.hasRetryAfter)
	c.metrics.retry(cl.req.entity, cl.req.action, reason)
	c.log.Warn("retrying CiviCRM call",
		zap.String("entity", cl.req.entity), zap.String("action", cl.req.action),
		zap.Int("attempt", cl.attempts+1), zap.String("reason", string(reason)),
		zap.Int("status", status), zap.Duration("wait", wait))
	return c.cfg.Sleep(req.Context(), wait)
}
