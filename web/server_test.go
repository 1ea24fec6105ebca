package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

type readyFunc func(context.Context) error

func (f readyFunc) Ready(ctx context.Context) error { return f(ctx) }

func newTestServer(t *testing.T, ready readyFunc) (*httptest.Server, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zap.InfoLevel)
	s := New(Options{Logger: zap.New(core), Ready: ready, Registry: prometheus.NewRegistry()})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts, logs
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHealthAndReadiness(t *testing.T) {
	var notReady error
	ts, _ := newTestServer(t, func(context.Context) error { return notReady })

	if resp, body := get(t, ts.URL+"/healthz"); resp.StatusCode != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", resp.StatusCode, body)
	}
	if resp, body := get(t, ts.URL+"/readyz"); resp.StatusCode != 200 || body != "ready\n" {
		t.Errorf("/readyz = %d %q", resp.StatusCode, body)
	}
	notReady = errors.New("schema is behind: migrations 12 missing")
	resp, body := get(t, ts.URL+"/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "migrations 12 missing") {
		t.Errorf("/readyz when not ready = %d %q, want 503 with the reason", resp.StatusCode, body)
	}
	if resp, _ := get(t, ts.URL+"/healthz"); resp.StatusCode != 200 {
		t.Errorf("/healthz must not depend on readiness, got %d", resp.StatusCode)
	}
}

func TestEveryResponseCarriesSecurityHeaders(t *testing.T) {
	ts, _ := newTestServer(t, nil)
	for _, path := range []string{"/healthz", "/metrics", "/no-such-page"} {
		resp, _ := get(t, ts.URL+path)
		for header, want := range map[string]string{
			"Referrer-Policy":        "no-referrer",
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
		} {
			if got := resp.Header.Get(header); got != want {
				t.Errorf("%s: %s = %q, want %q", path, header, got, want)
			}
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: weak CSP %q", path, csp)
		}
	}
}

func TestCrossSitePostIsRefused(t *testing.T) {
	ts, _ := newTestServer(t, nil)
	req, _ := http.NewRequest("POST", ts.URL+"/healthz", strings.NewReader("x=1"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST got %d, want 403", resp.StatusCode)
	}
}

func TestRequestLogAndMetricsNameTheRouteNotThePath(t *testing.T) {
	ts, logs := newTestServer(t, nil)
	get(t, ts.URL+"/healthz")
	get(t, ts.URL+"/v/SECRETTOKEN123") // no such route yet: must be logged as unmatched

	entries := logs.FilterMessage("request").All()
	if len(entries) != 2 {
		t.Fatalf("want 2 request log lines, got %d", len(entries))
	}
	first := entries[0].ContextMap()
	if first["route"] != "GET /healthz" || first["status"] != int64(200) || first["method"] != "GET" {
		t.Errorf("first log line = %v", first)
	}
	if _, ok := first["duration"]; !ok {
		t.Errorf("log line lacks duration: %v", first)
	}
	for _, e := range logs.All() {
		for k, v := range e.ContextMap() {
			if s, ok := v.(string); ok && strings.Contains(s, "SECRETTOKEN123") {
				t.Errorf("log field %s holds the raw path %q", k, s)
			}
		}
	}
	_, body := get(t, ts.URL+"/metrics")
	if !strings.Contains(body, `civivote_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`) {
		t.Errorf("metrics lack the healthz request:\n%s", body)
	}
	if strings.Contains(body, "SECRETTOKEN123") {
		t.Error("metrics hold the raw path")
	}
}
