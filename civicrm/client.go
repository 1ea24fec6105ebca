// Package civicrm is civivote's client for CiviCRM's APIv4 over HTTP: it
// streams members in good standing, checks the site at start-up, and writes
// voting links, group memberships and officer relationships back.
//
// The behaviour it relies on is in ../shared/civicrm/API.md, recorded from a
// real CiviCRM 6.18; its quirks (silently ignored fields, misleading counts,
// partly applied batches) shape this package.
package civicrm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// maxBody caps one answer. A 2000-row member page is about 0.7 MB and a
// 2000-record Contact.save echo about 1.6 MB (throughput.md).
const maxBody = 64 << 20

// Client calls one CiviCRM site's APIv4. It is safe for concurrent use.
type Client struct {
	cfg     Config
	base    string
	log     *zap.Logger
	rc      *retryablehttp.Client
	metrics *metrics
	bufs    sync.Pool // *bytes.Buffer for answers
}

// New validates cfg and returns a Client. Metrics are registered on reg
// (nil: not registered); log may be nil.
func New(cfg Config, log *zap.Logger, reg prometheus.Registerer) (*Client, error) {
	base, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = zap.NewNop()
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, base: base, log: log, metrics: m}
	c.bufs.New = func() any { return new(bytes.Buffer) }

	transport := cfg.Transport
	if transport == nil {
		transport = cleanhttp.DefaultPooledTransport()
	}
	c.rc = &retryablehttp.Client{
		HTTPClient: &http.Client{
			Transport: transport,
			Timeout:   cfg.Timeout,
			// Redirects are errors: Go would re-send a redirected POST as a
			// GET (CiviCRM then answers 405 for writes), and a redirect
			// almost always means the base URL or path style is wrong.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		RetryMax:   cfg.MaxRetries,
		CheckRetry: c.checkRetry,
		// The wait is computed and slept in PrepareRetry, through the
		// injectable Config.Sleep; retryablehttp's own timer gets zero.
		Backoff:      func(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 },
		PrepareRetry: c.prepareRetry,
		RequestLogHook: func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if cl := callFrom(req.Context()); cl != nil {
				cl.attempts, cl.started = attempt+1, time.Now()
			}
		},
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			if resp != nil {
				resp.Body.Close()
			}
			return nil, err
		},
	}
	if strings.HasPrefix(base, "http://") && !isLoopback(base) {
		c.log.Warn("the CiviCRM URL is plain http: the API key crosses the network unencrypted; use https",
			zap.String("url", base))
	}
	return c, nil
}

func isLoopback(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// request is one APIv4 call.
type request struct {
	entity, action string
	params         any
	// decode consumes a 2xx JSON answer. It may be called more than once
	// (once per attempt whose answer was complete) and must reset its
	// output each time.
	decode func(body []byte) error
	// batch marks writes of several records: CiviCRM applies them one by
	// one, so even a validation error leaves the batch partly applied.
	batch bool
	// buf, when set, receives the answer; the member iterator reuses one
	// buffer across pages so paging does not allocate a page per call.
	buf *bytes.Buffer
}

func (r *request) write() bool { return !strings.HasPrefix(r.action, "get") }

// do performs one call with retries and returns nil or an error that says
// what to do; an *APIError unless ctx ended or params could not be encoded.
func (c *Client) do(ctx context.Context, r request) error {
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false) // "id",">",8 reads better in logs than "\u003e"
	if err := enc.Encode(r.params); err != nil {
		return fmt.Errorf("civicrm: %s.%s: encode params: %w", r.entity, r.action, err)
	}
	body := []byte("params=" + url.QueryEscape(string(bytes.TrimSpace(js.Bytes()))))

	buf := r.buf
	if buf == nil {
		buf = c.bufs.Get().(*bytes.Buffer)
		defer func() {
			if buf.Cap() <= 4<<20 {
				c.bufs.Put(buf)
			}
		}()
	}
	cl := &call{req: &r, buf: buf}
	ctx = context.WithValue(ctx, callKey{}, cl)

	hreq, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost,
		endpoint(c.base, c.cfg.PathStyle, r.entity, r.action), body)
	if err != nil {
		return fmt.Errorf("civicrm: %s.%s: build request: %w", r.entity, r.action, err)
	}
	h := hreq.Header
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("Accept", "application/json")
	h.Set("X-Civi-Auth", "Bearer "+c.cfg.APIKey)
	h.Set("X-Requested-With", "XMLHttpRequest")
	h.Set("User-Agent", c.cfg.UserAgent)
	hreq.SetResponseHandler(c.handleResponse(cl))

	resp, err := c.rc.Do(hreq)
	if err == nil {
		resp.Body.Close()
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("civicrm: %s.%s: %w", r.entity, r.action, ctxErr)
	}
	e := cl.last
	if e == nil {
		e = &APIError{Kind: KindTransport, Entity: r.entity, Action: r.action, Err: err}
	}
	e.Attempts = cl.attempts
	e.Partial = r.write() && mayBePartial(e.Kind, r.batch)
	return e
}

// mayBePartial reports whether a failed write may have changed something.
// Refusals before the action ran (auth, permission, URL) changed nothing.
func mayBePartial(k Kind, batch bool) bool {
	switch k {
	case KindTransport, KindServer, KindHTML, KindDecode:
		return true
	case KindValidation, KindNotFound:
		return batch
	}
	return false
}
