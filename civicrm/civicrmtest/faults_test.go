package civicrmtest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

const firstPage = `{"select":["id","status_id:name"],"where":[["status_id.is_current_member","=",true]],"orderBy":{"id":"ASC"},"limit":5}`

func TestFaultsReplaceTheAnswer(t *testing.T) {
	tests := []struct {
		name       string
		fault      civicrmtest.Fault
		status     int
		ctype      string
		bodyHas    string
		retryAfter string
	}{
		{"500 not a validation error", civicrmtest.Status(500), 500, "application/json", `"error_message":"DB Error: unknown error"`, ""},
		{"502 proxy page", civicrmtest.Status(502), 502, "text/html", "502 Bad Gateway", ""},
		{"503 maintenance", civicrmtest.Status(503), 503, "application/json", "Temporarily unavailable for maintenance.", ""},
		{"504 proxy page", civicrmtest.Status(504), 504, "text/html", "504 Gateway Timeout", ""},
		{"429 with Retry-After", civicrmtest.TooManyRequests(1500 * time.Millisecond), 429, "text/html", "429", "2"},
		{"HTML error page", civicrmtest.HTMLErrorPage("Database is locked"), 500, "text/html; charset=UTF-8", "Database is locked", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
			s.Inject(tt.fault.On("Membership", "get"))
			a := doCall(t, s, "Membership", "get", firstPage)
			if a.status != tt.status || a.ctype != tt.ctype || !strings.Contains(a.body, tt.bodyHas) {
				t.Errorf("got %d %q %.120s; want %d %q containing %q", a.status, a.ctype, a.body, tt.status, tt.ctype, tt.bodyHas)
			}
			if got := a.header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			if p := doCall(t, s, "Membership", "get", firstPage).mustOK(t); len(p.Values) != 5 {
				t.Errorf("after the fault: %d values, want 5", len(p.Values))
			}
		})
	}
}

func TestFaultTargetsAndTimes(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	s.Inject(civicrmtest.Status(503).On("Membership", "get").Times(3))
	doCall(t, s, "Contact", "get", `{"select":["id"],"limit":1}`).mustOK(t)
	for i := range 3 {
		if a := doCall(t, s, "Membership", "get", firstPage); a.status != 503 {
			t.Fatalf("call %d: status %d, want 503", i+1, a.status)
		}
	}
	doCall(t, s, "Membership", "get", firstPage).mustOK(t)
	if got := s.Calls("Membership", "get"); got != 4 {
		t.Errorf("Calls = %d, want 4", got)
	}

	s.Inject(civicrmtest.Status(502).Times(0))
	for range 3 {
		if a := doCall(t, s, "Group", "get", `{}`); a.status != 502 {
			t.Fatalf("status %d, want 502 until ClearFaults", a.status)
		}
	}
	s.ClearFaults()
	doCall(t, s, "Group", "get", `{}`).mustOK(t)
}

func TestHangBlocksUntilTheClientGivesUp(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	s.Inject(civicrmtest.Hang())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	a := doCallCtx(t, ctx, s, "Membership", "get", firstPage)
	if !errors.Is(a.err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want the client's deadline", a.err)
	}
	doCall(t, s, "Membership", "get", firstPage).mustOK(t)
}

func TestSlowAnswersNormally(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	s.Inject(civicrmtest.Slow(10 * time.Millisecond))
	if p := doCall(t, s, "Membership", "get", firstPage).mustOK(t); len(p.Values) != 5 {
		t.Errorf("%d values, want 5", len(p.Values))
	}
}

func TestTruncatedBodyBreaksTheRead(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	s.Inject(civicrmtest.TruncatedBody())
	a := doCall(t, s, "Membership", "get", firstPage)
	if a.err == nil {
		t.Fatalf("read a whole body (%d bytes), want an unexpected EOF", len(a.body))
	}
}

func TestDropRowsShortensThePage(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	s.Inject(civicrmtest.DropRows(2))
	p := doCall(t, s, "Membership", "get", firstPage).mustOK(t)
	if len(p.Values) != 3 || p.CountFetched != 3 || num(p.Values[0]["id"]) != 3 {
		t.Errorf("got %d values (countFetched %d) starting at %v; want 3 starting at id 3", len(p.Values), p.CountFetched, p.Values)
	}
}

func TestTimeLimitCommitsTheFirstRecords(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	s.Inject(civicrmtest.TimeLimit(2).On("Contact", "save"))
	a := doCall(t, s, "Contact", "save", `{"records":[{"id":5,"Union_Sync.voting_link":"a"},{"id":6,"Union_Sync.voting_link":"b"},{"id":7,"Union_Sync.voting_link":"c"}]}`)
	if a.status != http.StatusInternalServerError || a.ctype != "text/html; charset=UTF-8" || a.body != "" {
		t.Fatalf("got %d %q %q; want 500, text/html, empty body", a.status, a.ctype, a.body)
	}
	for id, want := range map[int64]string{5: "a", 6: "b"} {
		if v, _ := s.CustomValue(id, "Union_Sync.voting_link"); v != want {
			t.Errorf("contact %d voting_link %q, want %q", id, v, want)
		}
	}
	if v, ok := s.CustomValue(7, "Union_Sync.voting_link"); ok {
		t.Errorf("contact 7 voting_link %q, want it unwritten", v)
	}
	w := s.Writes()
	if len(w) != 1 || w[0].Saved != 2 || len(w[0].Records) != 3 || w[0].Err == "" {
		t.Errorf("Writes = %+v, want one Contact.save with 3 records, 2 saved, an error", w)
	}
}

func TestAfterCallChangesStatusBetweenPages(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	s.AfterCall("Membership", "get", 1, func(s *civicrmtest.Server) {
		if err := s.SetMembershipStatus(6, "Expired"); err != nil {
			t.Error(err)
		}
	})
	p1 := doCall(t, s, "Membership", "get", firstPage).mustOK(t)
	if len(p1.Values) != 5 {
		t.Fatalf("page 1: %d values", len(p1.Values))
	}
	p2 := doCall(t, s, "Membership", "get", strings.Replace(firstPage, `true]]`, `true],["id",">",5]]`, 1)).mustOK(t)
	if first := num(p2.Values[0]["id"]); first != 7 {
		t.Errorf("page 2 starts at membership %d, want 7 (6 expired after page 1)", first)
	}
}

// TestHangLetsTheServerClose checks that a client giving up on a Hang
// ends the handler, whatever the body: net/http only watches for the
// client hanging up once the body has been read, and httptest's Close
// waits for every handler.
func TestHangLetsTheServerClose(t *testing.T) {
	for _, tc := range []struct{ name, ctype, body string }{
		{"form params", "application/x-www-form-urlencoded", url.Values{"params": {firstPage}}.Encode()},
		{"JSON body (58)", "application/json", firstPage},
		{"multipart form", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"params\"\r\n\r\n" + firstPage + "\r\n--b--\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := civicrmtest.New(civicrmtest.WithTranscriptSite())
			s.Inject(civicrmtest.Hang())
			ts := httptest.NewServer(s)
			req, err := http.NewRequest(http.MethodPost, ts.URL+"/civicrm/ajax/api4/Membership/get", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", tc.ctype)
			req.Header.Set("X-Civi-Auth", "Bearer "+civicrmtest.AdminKey)
			c := ts.Client()
			c.Timeout = 100 * time.Millisecond
			resp, err := c.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got %s, want the client's timeout", resp.Status)
			}
			closed := make(chan struct{})
			go func() {
				ts.Close()
				close(closed)
			}()
			// A guard, not a measurement: without it a regression hangs the
			// whole test binary until go test's -timeout.
			select {
			case <-closed:
			case <-time.After(10 * time.Second):
				t.Fatal("httptest.Server.Close still blocked 10s after the client gave up: the Hang handler never noticed")
			}
		})
	}
}
