package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/web"
)

// fakeWritebacks stands in for the store: one published election, "done".
type fakeWritebacks struct{ queued []string }

func (f *fakeWritebacks) QueueWriteback(_ context.Context, slug, actor string, _ time.Time) (web.WritebackResult, error) {
	if slug != "done" {
		return web.WritebackResult{}, election.Errorf(election.ErrWrongState, "publish first with `civivote publish %s`", slug)
	}
	f.queued = append(f.queued, actor)
	return web.WritebackResult{Election: slug, Revision: 1, Queued: 1, WrittenBack: true,
		Officers: []web.WritebackOfficer{{Position: "treasurer", Title: "Treasurer", ContactID: 7, Name: "Ada <b>",
			Start: "2023-03-01", End: "2025-02-28"}}}, nil
}

func (f *fakeWritebacks) WritebackItems(_ context.Context, slug string) ([]web.WritebackItem, error) {
	if slug != "done" {
		return nil, election.Errorf(election.ErrNotFound, "there is no election %q", slug)
	}
	return []web.WritebackItem{{ID: 1, State: "pending", ContactID: 7, Description: "Treasurer", Start: "2023-03-01",
		End: "2025-02-28"}, {ID: 2, State: "done", RelationshipID: 21, ContactID: 8, Description: "Treasurer",
		End: "2023-02-28", Inactive: true}}, nil
}

func TestWritebackAPI(t *testing.T) {
	admin, observer := sha256.Sum256([]byte("admin-token-0123456789")), sha256.Sum256([]byte("observer-token-0123456789"))
	f := &fakeWritebacks{}
	srv := httptest.NewServer(web.New(web.Options{Tokens: web.APITokens{Admin: &admin, Observer: &observer},
		Writebacks: f}).Handler())
	t.Cleanup(srv.Close)
	call := func(method, slug, token string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+"/api/admin/elections/"+slug+"/writeback", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: %d %s", method, slug, resp.StatusCode, b)
		}
		return resp.StatusCode, m
	}

	if code, body := call("POST", "done", "observer-token-0123456789"); code != http.StatusForbidden || len(f.queued) != 0 {
		t.Errorf("observer POST: %d %v; want 403 and nothing queued", code, body)
	}
	code, body := call("POST", "done", "admin-token-0123456789")
	if code != http.StatusOK || body["queued"] != 1.0 || body["moved_to_written_back"] != true ||
		len(f.queued) != 1 || f.queued[0] != "api:admin" {
		t.Errorf("admin POST: %d %v (actors %v)", code, body, f.queued)
	}
	if ob, _ := body["outbox"].(map[string]any); ob == nil || ob["counts"].(map[string]any)["pending"] != 1.0 {
		t.Errorf("POST answer lacks the outbox state: %v", body)
	}
	if code, body := call("POST", "open", "admin-token-0123456789"); code != http.StatusConflict ||
		!strings.Contains(body["error"].(string), "publish first") {
		t.Errorf("unpublished: %d %v; want 409 saying to publish first", code, body)
	}
	code, body = call("GET", "done", "observer-token-0123456789")
	counts, _ := body["counts"].(map[string]any)
	items, _ := body["items"].([]any)
	if code != http.StatusOK || counts["pending"] != 1.0 || counts["delivered"] != 1.0 || len(items) != 2 ||
		items[1].(map[string]any)["relationship_id"] != 21.0 {
		t.Errorf("observer GET: %d %v", code, body)
	}
	if code, _ := call("GET", "nope", "observer-token-0123456789"); code != http.StatusNotFound {
		t.Errorf("unknown election: %d, want 404", code)
	}
}
