package civicrm

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
)

func TestRetryPolicy(t *testing.T) {
	a := transcriptAnswers()
	ok := jsonAnswer(a[35].body)
	html500 := a[50]
	for _, tc := range []struct {
		name     string
		fail     answer
		requests int // with the failure repeated forever
		kind     Kind
	}{
		{"429", answer{429, "text/html", "<h1>429 Too Many Requests</h1>"}, 5, KindRateLimited},
		{"502", answer{502, "text/html", "<h1>502 Bad Gateway</h1>"}, 5, KindServer},
		{"503 maintenance", answer{503, "application/json", `{"status_code":503,"status_message":"Temporarily unavailable for maintenance."}`}, 5, KindServer},
		{"504", answer{504, "text/html", "<h1>504 Gateway Time-out</h1>"}, 5, KindServer},
		{"500 empty (PHP time limit)", a[82], 3, KindServer},
		{"500 HTML fatal page", html500, 3, KindHTML},
		{"500 generic hidden message", answer{500, "application/json", `{"error_code":"1","error_message":"Sorry an error occurred and your request was not completed. (Error ID: ab12)","status":500}`}, 3, KindServer},
		{"500 DB unknown error", answer{500, "application/json", `{"error_id":"x","error_code":0,"error_message":"DB Error: unknown error","status":500}`}, 3, KindServer},
		{"200 cut short", answer{200, "application/json", `{"values":[],"entity":"Membership","act`}, 3, KindDecode},
		{"500 invalid field", a[45], 1, KindValidation},
		{"500 expected one", a[13], 1, KindNotFound},
		{"500 constraint", a[56], 1, KindValidation},
		{"400 CSRF", answer{400, "application/json", `{"error_code":400,"error_message":"SECURITY ALERT"}`}, 1, KindRequest},
		{"401", a[36], 1, KindAuth},
		{"403", a[40], 1, KindPermission},
		{"404", answer{404, "text/html", "<h1>Not found</h1>"}, 1, KindEndpoint},
		{"405", a[57], 1, KindRequest},
		{"200 HTML login page", answer{200, "text/html", "<h1>Log in</h1>"}, 1, KindHTML},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Failing for ever: the call gives up after the bound.
			rec := script(tc.fail)
			c, sl := newTestClient(t, rec)
			_, err := c.CountCurrentMembers(context.Background(), MemberQuery{})
			var e *APIError
			if !errors.As(err, &e) || e.Kind != tc.kind {
				t.Fatalf("err = %v, want kind %s", err, tc.kind)
			}
			if got := len(rec.requests()); got != tc.requests || e.Attempts != tc.requests {
				t.Errorf("%d requests, Attempts %d; want %d", got, e.Attempts, tc.requests)
			}
			if len(sl.all()) != tc.requests-1 {
				t.Errorf("%d waits for %d requests", len(sl.all()), tc.requests)
			}
			if tc.requests == 1 {
				return
			}
			// Failing once: the retry succeeds.
			rec = script(tc.fail, ok)
			c, _ = newTestClient(t, rec)
			if n, err := c.CountCurrentMembers(context.Background(), MemberQuery{}); err != nil || n != 30 {
				t.Errorf("after one failure: %d, %v", n, err)
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"7", 7 * time.Second},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{"3600", 2 * time.Minute}, // capped by RetryAfterMax
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	} {
		rec := script(answer{429, "text/html", "<h1>429</h1>"}, jsonAnswer(transcriptAnswers()[35].body))
		rec.header = http.Header{"Retry-After": {tc.header}}
		c, sl := newTestClient(t, rec, func(cfg *Config) { cfg.Now = func() time.Time { return now } })
		if _, err := c.CountCurrentMembers(context.Background(), MemberQuery{}); err != nil {
			t.Fatal(err)
		}
		if w := sl.all(); len(w) != 1 || w[0] != tc.want {
			t.Errorf("Retry-After %q: waits %v, want [%v]", tc.header, w, tc.want)
		}
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		jitter func(int64) int64
		want   []time.Duration
	}{
		{"no jitter drawn", func(int64) int64 { return 0 },
			[]time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond}}, // capped at 3s
		{"full jitter drawn", func(n int64) int64 { return n - 1 },
			[]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second}},
	} {
		rec := script(answer{503, "text/html", "<h1>503</h1>"})
		c, sl := newTestClient(t, rec, func(cfg *Config) {
			cfg.Jitter = tc.jitter
			cfg.RetryWaitMax = 3 * time.Second
		})
		if _, err := c.CountCurrentMembers(context.Background(), MemberQuery{}); err == nil {
			t.Fatal("want an error")
		}
		got := sl.all()
		if len(got) != len(tc.want) {
			t.Fatalf("%s: waits %v, want %v", tc.name, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: waits %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
}

func TestRetryOnTransportErrors(t *testing.T) {
	var calls atomic.Int32
	ok := transcriptAnswers()[35].body
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice the client hanging up.
		_, _ = io.Copy(io.Discard, r.Body)
		switch calls.Add(1) {
		case 1: // connection dropped before any answer
			panic(http.ErrAbortHandler)
		case 2: // body shorter than its Content-Length
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(ok[:50]))
			panic(http.ErrAbortHandler)
		case 3: // hangs past the client's timeout
			<-r.Context().Done()
		default:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(ok))
		}
	})
	c, sl := newTestClient(t, h, func(cfg *Config) { cfg.Timeout = 200 * time.Millisecond })
	n, err := c.CountCurrentMembers(context.Background(), MemberQuery{})
	if err != nil || n != 30 {
		t.Fatalf("got %d, %v; want 30 after three transport failures", n, err)
	}
	if len(sl.all()) != 3 {
		t.Errorf("%d retries, want 3", len(sl.all()))
	}
}

func TestHangGivesUpWithClearError(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})
	c, _ := newTestClient(t, h, func(cfg *Config) {
		cfg.Timeout = 50 * time.Millisecond
		cfg.MaxRetries = 2
	})
	_, err := c.CountCurrentMembers(context.Background(), MemberQuery{})
	var e *APIError
	if !errors.As(err, &e) || e.Kind != KindTransport || e.Attempts != 3 {
		t.Fatalf("err = %#v, want KindTransport after 3 attempts", err)
	}
	if !strings.Contains(err.Error(), "no answer from CiviCRM") || !strings.Contains(err.Error(), "Timeout") {
		t.Errorf("error does not explain the timeout: %v", err)
	}
}

func TestContextCancelStopsRetrying(t *testing.T) {
	rec := script(answer{503, "text/html", "<h1>503</h1>"})
	ctx, cancel := context.WithCancel(context.Background())
	c, _ := newTestClient(t, rec, func(cfg *Config) {
		cfg.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	})
	_, err := c.CountCurrentMembers(ctx, MemberQuery{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("%d requests after cancel, want 1", n)
	}
}

func TestMetrics(t *testing.T) {
	rec := script(answer{503, "text/html", "<h1>503</h1>"}, jsonAnswer(transcriptAnswers()[35].body))
	reg := prometheus.NewRegistry()
	srv, _ := newTestClient(t, rec)
	sl := &sleeps{}
	c, err := New(Config{BaseURL: srv.base, APIKey: testKey, Sleep: sl.sleep}, zap.NewNop(), reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CountCurrentMembers(context.Background(), MemberQuery{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c    prometheus.Collector
		want float64
	}{
		{c.metrics.requests.WithLabelValues("Membership", "get", "server"), 1},
		{c.metrics.requests.WithLabelValues("Membership", "get", "ok"), 1},
		{c.metrics.retries.WithLabelValues("Membership", "get", "server"), 1},
	} {
		if got := testutil.ToFloat64(tc.c); got != tc.want {
			t.Errorf("metric = %v, want %v", got, tc.want)
		}
	}
	if n := testutil.CollectAndCount(reg, "civivote_civicrm_request_duration_seconds"); n != 1 {
		t.Errorf("latency histogram has %d series, want 1", n)
	}
	if _, err := New(Config{BaseURL: srv.base, APIKey: testKey}, nil, reg); err == nil {
		t.Error("a second client on the same registry must be refused")
	}
}
