package civicrm_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
)

func TestFakeTranscriptSiteMembers(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	members, rows, err := pass(t, c, civicrm.MemberQuery{PageSize: 7, Types: []string{"Union Member"}})
	if err != nil {
		t.Fatal(err)
	}
	total, err := c.CountCurrentMembers(context.Background(), civicrm.MemberQuery{Types: []string{"Union Member"}})
	if err != nil {
		t.Fatal(err)
	}
	if rows != 30 || total != 30 || len(members) != srv.CurrentMembers() {
		t.Errorf("rows %d, row_count %d, members %d; want 30, 30, %d", rows, total, len(members), srv.CurrentMembers())
	}
	alice := members[5]
	if alice.DisplayName != "Alice Member001" || alice.Email != "alice.member1@example.org" ||
		alice.ExternalID != "TU-001" || alice.Status != "Current" || alice.Type != "Union Member" ||
		!alice.EndDate.Equal(time.Date(2027, 5, 23, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("contact 5 = %+v", alice)
	}
}

func TestFakeGeneratedRoster(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithRoster(20000, 7))
	members, rows, err := pass(t, c, civicrm.MemberQuery{PageSize: 2000})
	if err != nil {
		t.Fatal(err)
	}
	total, err := c.CountCurrentMembers(context.Background(), civicrm.MemberQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if rows != total || len(members) != srv.CurrentMembers() {
		t.Errorf("rows %d vs row_count %d; contacts %d vs %d", rows, total, len(members), srv.CurrentMembers())
	}
	folded := 0
	for _, m := range members {
		if m.Memberships > 1 {
			folded++
		}
	}
	if folded == 0 {
		t.Error("no contact with two memberships was folded; the roster has some")
	}
}

// TestFakeTransientFaults injects each transient fault into the second
// page of a pass: the pass must still return every member.
func TestFakeTransientFaults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault civicrmtest.Fault
		waits int
		wait  time.Duration // the first wait, when it is fixed
	}{
		{"500 DB error", civicrmtest.Status(500), 1, 0},
		{"502 proxy", civicrmtest.Status(502), 1, 0},
		{"503 maintenance", civicrmtest.Status(503), 1, 0},
		{"504 proxy", civicrmtest.Status(504), 1, 0},
		{"429 Retry-After", civicrmtest.TooManyRequests(3 * time.Second), 1, 3 * time.Second},
		{"hang past the timeout", civicrmtest.Hang(), 1, 0},
		{"slow page", civicrmtest.Slow(50 * time.Millisecond), 0, 0},
		{"HTML error page", civicrmtest.HTMLErrorPage("Out of memory"), 1, 0},
		{"truncated body", civicrmtest.TruncatedBody(), 1, 0},
		{"two 503 in a row", civicrmtest.Status(503).Times(2), 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv, w := newFake(t, civicrmtest.AdminKey, []func(*civicrm.Config){func(cfg *civicrm.Config) {
				cfg.Timeout = 300 * time.Millisecond
			}}, civicrmtest.WithRoster(3000, 1))
			srv.AfterCall("Membership", "get", 1, func(s *civicrmtest.Server) {
				s.Inject(tc.fault.On("Membership", "get"))
			})
			members, _, err := pass(t, c, civicrm.MemberQuery{PageSize: 500})
			if err != nil {
				t.Fatal(err)
			}
			if len(members) != srv.CurrentMembers() {
				t.Errorf("%d members, want %d", len(members), srv.CurrentMembers())
			}
			got := w.all()
			if len(got) != tc.waits {
				t.Errorf("%d retries, want %d", len(got), tc.waits)
			}
			if tc.wait > 0 && (len(got) == 0 || got[0] != tc.wait) {
				t.Errorf("waits %v, want the Retry-After %v first", got, tc.wait)
			}
		})
	}
}

func TestFakePersistentFaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    civicrmtest.Fault
		kind     civicrm.Kind
		attempts int
	}{
		{"maintenance mode", civicrmtest.Status(503), civicrm.KindServer, 5},
		{"HTML fatal page", civicrmtest.HTMLErrorPage("Out of memory"), civicrm.KindHTML, 3},
		{"DB error", civicrmtest.Status(500), civicrm.KindServer, 3},
		{"rate limited", civicrmtest.TooManyRequests(time.Second), civicrm.KindRateLimited, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
			srv.Inject(tc.fault.On("Membership", "get").Times(0))
			_, _, err := pass(t, c, civicrm.MemberQuery{})
			var e *civicrm.APIError
			if !errors.As(err, &e) || e.Kind != tc.kind || e.Attempts != tc.attempts {
				t.Fatalf("err = %v, want kind %s after %d attempts", err, tc.kind, tc.attempts)
			}
			if n := srv.Calls("Membership", "get"); n != tc.attempts {
				t.Errorf("%d calls reached the fake, want %d", n, tc.attempts)
			}
		})
	}
}

// TestFakeHangGivesUp checks that a CiviCRM that never answers costs a
// pass MaxRetries+1 timeouts and then an error saying so, not a stuck sync.
func TestFakeHangGivesUp(t *testing.T) {
	c, srv, w := newFake(t, civicrmtest.AdminKey, []func(*civicrm.Config){func(cfg *civicrm.Config) {
		cfg.Timeout = 100 * time.Millisecond
		cfg.MaxRetries = 2
	}}, civicrmtest.WithTranscriptSite())
	srv.Inject(civicrmtest.Hang().On("Membership", "get").Times(0))
	_, _, err := pass(t, c, civicrm.MemberQuery{})
	var e *civicrm.APIError
	if !errors.As(err, &e) || e.Kind != civicrm.KindTransport || e.Attempts != 3 {
		t.Fatalf("err = %v, want kind %s after 3 attempts", err, civicrm.KindTransport)
	}
	if msg := err.Error(); !strings.Contains(msg, "no answer from CiviCRM") || !strings.Contains(msg, "Timeout") {
		t.Errorf("error does not say CiviCRM timed out: %v", msg)
	}
	if n := srv.Calls("Membership", "get"); n != 3 {
		t.Errorf("%d calls reached the fake, want 3", n)
	}
	if n := len(w.all()); n != 2 {
		t.Errorf("%d waits between attempts, want 2", n)
	}
}

func TestFakeAuthAndPermission(t *testing.T) {
	c, _, _ := newFake(t, "wrong-key", nil, civicrmtest.WithTranscriptSite())
	_, _, err := pass(t, c, civicrm.MemberQuery{})
	if !errors.Is(err, civicrm.KindAuth) {
		t.Errorf("bad key: %v", err)
	}
	c, _, _ = newFake(t, civicrmtest.LimitedKey, nil, civicrmtest.WithTranscriptSite())
	_, _, err = pass(t, c, civicrm.MemberQuery{})
	if !errors.Is(err, civicrm.KindPermission) {
		t.Errorf("limited user: %v", err)
	}
}

func TestFakeWordPressPathStyle(t *testing.T) {
	c, _, _ := newFake(t, civicrmtest.AdminKey, []func(*civicrm.Config){func(cfg *civicrm.Config) {
		cfg.PathStyle = civicrm.PathStyleWordPress
	}}, civicrmtest.WithTranscriptSite())
	if n, err := c.CountCurrentMembers(context.Background(), civicrm.MemberQuery{}); err != nil || n != 30 {
		t.Errorf("wordpress style: %d, %v", n, err)
	}
}

// TestFakeMemoryBoundedByPage checks that a pass's live heap does not grow
// with the roster: rows are yielded and dropped page by page.
func TestFakeMemoryBoundedByPage(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200k members")
	}
	c, _, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithRoster(200_000, 3))
	var ms runtime.MemStats
	heap := func() uint64 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var lo, hi uint64
	rows := 0
	for _, err := range c.Memberships(context.Background(), civicrm.MemberQuery{PageSize: 2000}) {
		if err != nil {
			t.Fatal(err)
		}
		rows++
		if rows%20_000 == 0 {
			h := heap()
			if lo == 0 || h < lo {
				lo = h
			}
			hi = max(hi, h)
		}
	}
	// 170k rows kept would take well over 30 MB; a page is about 1 MB.
	if hi-lo > 8<<20 {
		t.Errorf("live heap grew from %d to %d bytes over %d rows", lo, hi, rows)
	}
}
