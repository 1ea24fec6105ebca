package main

import (
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/civivote/civivote/web"
)

const (
	electionsAdminToken    = "elections-admin-token"
	electionsObserverToken = "elections-observer-token"
)

// electionAPI serves the admin API over real HTTP with the real store behind it, wired as
// serve wires it.
func electionAPI(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	dsn := storetest.NewDatabase(t)
	db := storetest.OpenDSN(t, dsn)
	admin, observer := sha256.Sum256([]byte(electionsAdminToken)), sha256.Sum256([]byte(electionsObserverToken))
	srv := web.New(web.Options{
		Tokens:    web.APITokens{Admin: &admin, Observer: &observer},
		Elections: electionStore{db: db, lc: store.LinkConfig{Secret: []byte(testTokenSecret), Field: "Union_Sync.voting_link"}},
		Now:       func() time.Time { return time.Date(2022, 12, 1, 9, 0, 0, 0, time.UTC) },
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, dsn
}

// call sends one request and decodes the JSON answer.
func call(t *testing.T, ts *httptest.Server, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, raw)
	}
	return resp.StatusCode, out
}

func TestElectionAdminAPI(t *testing.T) {
	ts, dsn := electionAPI(t)
	raw, err := os.ReadFile(electionFixture(t, "wise-ra-2023.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)
	const path = "/api/admin/elections/wise-ra-2023"

	if code, _ := call(t, ts, http.MethodPut, path, electionsObserverToken, src); code != http.StatusForbidden {
		t.Errorf("PUT with the observer token: %d, want 403", code)
	}
	if code, body := call(t, ts, http.MethodPut, "/api/admin/elections/other", electionsAdminToken, src); code != http.StatusBadRequest ||
		!strings.Contains(body["error"].(string), `"wise-ra-2023"`) {
		t.Errorf("PUT to another slug: %d %v, want 400 naming the file's slug", code, body)
	}
	bad := strings.Replace(src, "statement_max_words: 300", "statement_max_words: 300\nballot_colour: red", 1)
	code, body := call(t, ts, http.MethodPut, path, electionsAdminToken, bad)
	problems, _ := body["problems"].([]any)
	if code != http.StatusBadRequest || len(problems) != 1 {
		t.Fatalf("PUT bad file: %d %v, want 400 with one problem", code, body)
	}
	if p := problems[0].(map[string]any); p["line"] != 14.0 || p["column"] != 1.0 || !strings.Contains(p["message"].(string), "ballot_colour") {
		t.Errorf("problem %v, want line 14 column 1 naming ballot_colour", p)
	}
	if n, audits := electionRows(t, dsn); n != 0 || audits != 0 {
		t.Errorf("a bad file left %d elections and %d audit rows", n, audits)
	}

	if code, body := call(t, ts, http.MethodPut, path, electionsAdminToken, src); code != http.StatusCreated || body["change"] != "created" {
		t.Fatalf("first PUT: %d %v, want 201 created", code, body)
	}
	if code, body := call(t, ts, http.MethodPut, path, electionsAdminToken, src); code != http.StatusOK || body["change"] != "unchanged" {
		t.Errorf("second PUT: %d %v, want 200 unchanged", code, body)
	}
	retitled := strings.Replace(src, "title: 2023 IWW", "title: Corrected 2023 IWW", 1)
	if code, body := call(t, ts, http.MethodPut, path, electionsAdminToken, retitled); code != http.StatusOK || body["change"] != "updated" {
		t.Errorf("PUT retitled draft: %d %v, want 200 updated", code, body)
	}

	code, list := call(t, ts, http.MethodGet, "/api/admin/elections", electionsObserverToken, "")
	if els, _ := list["elections"].([]any); code != http.StatusOK || len(els) != 1 {
		t.Errorf("GET list: %d %v, want one election", code, list)
	}
	code, got := call(t, ts, http.MethodGet, path, electionsObserverToken, "")
	voting, _ := got["voting"].(map[string]any)
	if code != http.StatusOK || got["state"] != "draft" || !strings.HasPrefix(got["title"].(string), "Corrected") ||
		voting["opens"] != "2023-02-01T00:01:00Z" || !strings.Contains(voting["local"].(string), "00:01 GMT") {
		t.Errorf("GET election: %d %v", code, got)
	}
	if positions, _ := got["positions"].([]any); len(positions) == 0 {
		t.Errorf("GET election shows no positions: %v", got)
	}
	if code, _ := call(t, ts, http.MethodGet, "/api/admin/elections/no-such", electionsObserverToken, ""); code != http.StatusNotFound {
		t.Errorf("GET unknown election: %d, want 404", code)
	}

	advance := path + "/advance"
	if code, _ := call(t, ts, http.MethodPost, advance, electionsAdminToken, `{"reason": ""}`); code != http.StatusBadRequest {
		t.Errorf("advance without a reason: %d, want 400", code)
	}
	if code, got := call(t, ts, http.MethodPost, advance, electionsAdminToken, `{"reason": "committee vote"}`); code != http.StatusOK || got["state"] != "nominations_open" {
		t.Fatalf("advance: %d %v, want 200 nominations_open", code, got)
	}
	code, body = call(t, ts, http.MethodPut, path, electionsAdminToken, src)
	if code != http.StatusConflict || !strings.Contains(body["error"].(string), "only while the election is a draft") {
		t.Errorf("PUT after nominations opened: %d %v, want 409 saying why", code, body)
	}
	if _, got := call(t, ts, http.MethodGet, path, electionsObserverToken, ""); !strings.HasPrefix(got["title"].(string), "Corrected") {
		t.Errorf("a refused PUT changed the title to %q", got["title"])
	}
	if _, audits := electionRows(t, dsn); audits != 3 {
		t.Errorf("%d election audit rows, want created, updated, advanced", audits)
	}
}
