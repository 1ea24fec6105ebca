package browsertest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The checks must be able to fail: a page with known faults gives their violations.
func TestProblemsFindsKnownFaults(t *testing.T) {
	b := New(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html><head><title>faults</title></head><body><main>
<p style="color:#aaa;background:#fff">pale text</p>
<input type="text" name="unlabelled">
<div style="width:2000px">wide</div>
</main></body></html>`))
	}))
	defer ts.Close()
	b.Do(chromedp.Navigate(ts.URL))
	got := strings.Join(b.Problems(375), "\n")
	for _, want := range []string{"axe color-contrast", "axe label", "scrolls sideways", "axe html-has-lang"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}
