package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/store/storetest"
)

const (
	adminToken    = "admin-token-for-the-committee-0001"
	observerToken = "observer-token-for-scrutineers-0001"
)

func apiCall(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %d, body is not JSON: %s", method, url, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

func TestAdminAPISyncRunsAndMemberLookupThroughTheRealProcess(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	cmd := exec.Command(binary, "serve")
	cmd.Env = []string{
		"CIVIVOTE_MYSQL_DSN=" + storetest.NewDatabase(t),
		"CIVIVOTE_CIVICRM_URL=" + fake.URL(),
		"CIVIVOTE_CIVICRM_API_KEY=" + civicrmtest.AdminKey,
		"CIVIVOTE_PUBLIC_URL=https://vote.example.org",
		"CIVIVOTE_TOKEN_SECRET=" + testTokenSecret,
		"CIVIVOTE_LISTEN_ADDR=127.0.0.1:0",
		"CIVIVOTE_ADMIN_TOKEN=" + adminToken,
		"CIVIVOTE_OBSERVER_TOKEN=" + observerToken,
		"CIVIVOTE_SYNC_SCHEDULE=0 3 1 1 *", // not during the test
	}
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	logs := startLogReader(stderr)
	base := "http://" + logs.waitFor(t, "listening")["addr"].(string)

	if code, _ := apiCall(t, "POST", base+"/api/admin/sync", "", ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}
	if code, _ := apiCall(t, "POST", base+"/api/admin/sync", "wrong-token-wrong-token", ""); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	if code, _ := apiCall(t, "POST", base+"/api/admin/sync", observerToken, ""); code != http.StatusForbidden {
		t.Errorf("observer token on a write: %d, want 403", code)
	}

	code, body := apiCall(t, "POST", base+"/api/admin/sync", adminToken, `{"dry_run":false}`)
	run, _ := body["run"].(map[string]any)
	if code != http.StatusOK || run["outcome"] != "succeeded" || run["added"] != float64(30) || run["actor"] != "api:admin" {
		t.Fatalf("sync: %d %v", code, body)
	}
	code, body = apiCall(t, "GET", base+"/api/admin/sync/runs?limit=5", observerToken, "")
	runs, _ := body["runs"].([]any)
	if code != http.StatusOK || len(runs) != 1 {
		t.Errorf("runs: %d %v", code, body)
	}
	if code, _ := apiCall(t, "GET", base+"/api/admin/sync/runs?limit=zero", observerToken, ""); code != http.StatusBadRequest {
		t.Errorf("bad limit: %d, want 400", code)
	}

	code, body = apiCall(t, "GET", base+"/api/admin/members/5", observerToken, "")
	if code != http.StatusOK || body["eligible"] != true || body["has_email"] != true {
		t.Errorf("member 5: %d %v", code, body)
	}
	if _, leaks := body["email"]; leaks {
		t.Errorf("the member lookup shows the email address: %v", body)
	}
	code, body = apiCall(t, "POST", base+"/api/admin/members/5/override", adminToken, `{"eligible":false,"reason":"resigned by letter","until":"2099-01-31"}`)
	if code != http.StatusOK || body["eligible"] != false {
		t.Errorf("override: %d %v", code, body)
	}
	code, body = apiCall(t, "POST", base+"/api/admin/members/5/override", adminToken, `{"eligible":true,"until":"someday"}`)
	if code != http.StatusBadRequest || !strings.Contains(body["error"].(string), "reason") {
		t.Errorf("override without a reason: %d %v", code, body)
	}

	// Cross-site form posts are refused before any handler runs.
	req, _ := http.NewRequest("POST", base+"/api/admin/sync", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", resp.StatusCode)
	}
	if out := logs.text(); strings.Contains(out, adminToken) || strings.Contains(out, observerToken) {
		t.Error("a bearer token appears in the logs")
	}
}
