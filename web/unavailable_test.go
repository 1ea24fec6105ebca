package web

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/civivote/civivote/election"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// A database that cannot be reached is a 503 "temporarily unavailable" for members and the
// admin API, never a 500: on the cast itself the page says the vote was not recorded.
func TestDatabaseOutageIsTemporarilyUnavailable(t *testing.T) {
	s := New(Options{Logger: zap.NewNop(), Registry: prometheus.NewRegistry()})
	refused := &net.OpError{Op: "dial", Net: "unix", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		name, pattern, want string
		err                 error
	}{
		{"store-marked, on the cast", "POST /member/{slug}/cast", "your vote was not recorded",
			fmt.Errorf("store: cast ballot: %w", wrapped{election.ErrUnavailable})},
		{"a refused dial, on the cast", "POST /member/{slug}/cast", "your vote was not recorded",
			fmt.Errorf("store: find voter by link: %w", refused)},
		{"a refused dial, on a page", "GET /member/{slug}", "nothing you sent was saved", fmt.Errorf("x: %w", refused)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest("POST", "/member/x/cast", nil)
			r.Pattern = tc.pattern
			s.renderError(w, r, tc.err)
			body := w.Body.String()
			if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" ||
				!strings.Contains(body, "Temporarily unavailable") || !strings.Contains(body, tc.want) || !strings.Contains(body, "Try again") {
				t.Errorf("%d Retry-After %q:\n%s", w.Code, w.Header().Get("Retry-After"), body)
			}
			if strings.Contains(body, "unix") || strings.Contains(body, "refused") {
				t.Errorf("the page shows the driver's error:\n%s", body)
			}
		})
	}
	w := httptest.NewRecorder()
	s.writeAPIError(w, httptest.NewRequest("GET", "/api/admin/outbox", nil), fmt.Errorf("store: %w", driver.ErrBadConn))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "database is unreachable") {
		t.Errorf("admin API: %d %s", w.Code, w.Body.String())
	}
	if statusOf(errors.New("something else")) != http.StatusInternalServerError {
		t.Error("an ordinary failure must stay a 500")
	}
}

// wrapped is an error chain link that matches its kind, as the store's errors do.
type wrapped struct{ kind error }

func (w wrapped) Error() string { return "the database is unreachable: dial unix: connection refused" }
func (w wrapped) Unwrap() error { return w.kind }
