package civicrm

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

const testKey = "secretkey_0123456789"

// sleeps records the waits the client asked for instead of sleeping.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// seen is one request as the test server received it.
type seen struct {
	method, path, rawQuery string
	header                 http.Header
	body                   string
	params                 string // the decoded params form field
}

// recorder is an httptest handler that records requests and answers each
// with the next scripted answer (the last one repeats).
type recorder struct {
	mu      sync.Mutex
	reqs    []seen
	answers []answer
	header  http.Header // extra headers on every answer
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	form, _ := url.ParseQuery(string(body))
	r.mu.Lock()
	r.reqs = append(r.reqs, seen{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(),
		string(body), form.Get("params")})
	a := r.answers[min(len(r.reqs), len(r.answers))-1]
	for k, v := range r.header {
		w.Header()[k] = v
	}
	r.mu.Unlock()
	if a.ctype != "" {
		w.Header().Set("Content-Type", a.ctype)
	}
	w.Header().Set("Set-Cookie", "SESSCIVISO=abc; path=/; HttpOnly")
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}

func (r *recorder) requests() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.reqs...)
}

func script(answers ...answer) *recorder { return &recorder{answers: answers} }

func jsonAnswer(body string) answer { return answer{200, "application/json", body} }

// newTestClient starts h on a loopback server and returns a client for it
// whose retries record their waits instead of sleeping.
func newTestClient(tb testing.TB, h http.Handler, mods ...func(*Config)) (*Client, *sleeps) {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	sl := &sleeps{}
	cfg := Config{BaseURL: srv.URL, APIKey: testKey, Sleep: sl.sleep, Timeout: 5 * time.Second}
	for _, m := range mods {
		m(&cfg)
	}
	c, err := New(cfg, zap.NewNop(), prometheus.NewRegistry())
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return c, sl
}
