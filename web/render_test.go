package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func TestTemplateErrorIsACleanServerError(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	s := New(Options{Logger: zap.New(core), Registry: prometheus.NewRegistry()})
	// The member page executed with data it cannot use fails half-way through.
	h := s.page(func(w http.ResponseWriter, r *http.Request) error {
		return s.views.render(w, http.StatusOK, "member", struct{ Title string }{"x"})
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/member/x", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	if !strings.Contains(body, "Something went wrong on our side") || strings.Contains(body, "can't evaluate") ||
		strings.Contains(body, "Nominations") {
		t.Errorf("want the error page alone, without internals or half a page:\n%s", body)
	}
	if strings.Count(body, "<html") != 1 {
		t.Error("more than one document in the response")
	}
	if logs.FilterMessage("page failed").Len() != 1 {
		t.Error("the failure was not logged once")
	}
}

func TestStylesheetIsVersionedAndCachedLong(t *testing.T) {
	s := New(Options{Registry: prometheus.NewRegistry()})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	if !strings.HasPrefix(s.views.cssURL, "/static/site.") || len(s.views.cssURL) < len("/static/site.0123456789ab.css") {
		t.Fatalf("stylesheet URL %q has no content hash", s.views.cssURL)
	}
	resp, body := get(t, ts.URL+s.views.cssURL)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=31536000") ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(body, ":focus-visible") {
		t.Errorf("stylesheet: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := get(t, ts.URL+"/static/site.000000000000.css"); resp.StatusCode != 404 {
		t.Errorf("a stale stylesheet name = %d, want 404", resp.StatusCode)
	}
}

func TestEveryPageTemplateParses(t *testing.T) {
	v, err := parseViews()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"member", "error", "withdraw", "candidates"} {
		if v.pages[name] == nil {
			t.Errorf("no %s page", name)
		}
	}
}
