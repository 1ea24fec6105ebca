package civicrmtest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

// answer is one decoded response of the fake.
type answer struct {
	status int
	ctype  string
	header http.Header
	body   string
	err    error // transport or read error
}

// doCall posts params to entity/action as the admin user.
func doCall(t *testing.T, s *civicrmtest.Server, entity, action, params string) answer {
	t.Helper()
	return doCallCtx(t, context.Background(), s, entity, action, params)
}

func doCallCtx(t *testing.T, ctx context.Context, s *civicrmtest.Server, entity, action, params string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/civicrm/ajax/api4/"+entity+"/"+action,
		strings.NewReader(url.Values{"params": {params}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Civi-Auth", "Bearer "+civicrmtest.AdminKey)
	return send(s, req)
}

func send(s *civicrmtest.Server, req *http.Request) answer {
	resp, err := s.Client().Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), header: resp.Header, body: string(b), err: err}
}

// page is the part of a success envelope tests look at.
type page struct {
	Values       []map[string]any `json:"values"`
	Count        int              `json:"count"`
	CountFetched int              `json:"countFetched"`
	CountMatched *int             `json:"countMatched"`
	ErrorMessage string           `json:"error_message"`
}

func (a answer) page(t *testing.T) page {
	t.Helper()
	if a.err != nil {
		t.Fatalf("call failed: %v", a.err)
	}
	var p page
	d := json.NewDecoder(strings.NewReader(a.body))
	d.UseNumber()
	if err := d.Decode(&p); err != nil {
		t.Fatalf("status %d, body is not JSON (%v): %.200s", a.status, err, a.body)
	}
	return p
}

// mustOK decodes a 200 answer.
func (a answer) mustOK(t *testing.T) page {
	t.Helper()
	p := a.page(t)
	if a.status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", a.status, a.body)
	}
	return p
}

func num(v any) int64 {
	n, _ := v.(json.Number).Int64()
	return n
}

func fixedClock() civicrmtest.Option {
	return civicrmtest.WithClock(func() time.Time { return recordedAt })
}
