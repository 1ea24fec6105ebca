package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/web"
)

func TestResultsAdminAPI(t *testing.T) {
	env := linkEnv(t)
	db, _, bob, _ := countedElection(t, env)
	admin, observer := sha256.Sum256([]byte(electionsAdminToken)), sha256.Sum256([]byte(electionsObserverToken))
	var published []string
	srv := web.New(web.Options{
		Tokens: web.APITokens{Admin: &admin, Observer: &observer},
		ResultsAdmin: newResultsAdmin(dashboardCounts{db: db, afterPublish: func(_ context.Context, slug, _ string, _ time.Time) error {
			published = append(published, slug)
			return nil
		}}, 365),
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	const base = "/api/admin/elections/wise-ra-2023"

	if code, body := call(t, ts, "GET", base+"/tally", electionsObserverToken, ""); code != http.StatusConflict ||
		!strings.Contains(body["error"].(string), "the ballot box is not closed yet") {
		t.Errorf("tally while voting is open: %d %v", code, body)
	}
	mustRun(t, env, "election", "advance", "wise-ra-2023", "--reason", "voting closed")

	code, body := call(t, ts, "GET", base+"/tally", electionsObserverToken, "")
	if code != http.StatusOK || body["ties"] != float64(1) || body["publishable"] != false || body["ballots_cast"] != float64(4) {
		t.Fatalf("tally: %d %v", code, body)
	}
	var treasurer map[string]any
	for _, p := range body["positions"].([]any) {
		if p.(map[string]any)["key"] == "treasurer" {
			treasurer = p.(map[string]any)
		}
	}
	tie := treasurer["tie"].(map[string]any)
	if tie["votes"] != float64(2) || len(tie["candidates"].([]any)) != 2 || !strings.Contains(tie["resolve"].(string), "/ties") {
		t.Errorf("treasurer's tie: %v", tie)
	}

	id := strconv.FormatInt(bob, 10)
	tieBody := `{"position": "treasurer", "winner": "` + id + `", "reason": "Drawn from a hat"}`
	for _, w := range []struct{ method, path, body string }{
		{"POST", base + "/ties", tieBody}, {"POST", base + "/publish", ""}, {"POST", base + "/purge", `{"confirm": "wise-ra-2023"}`},
	} {
		if code, _ := call(t, ts, w.method, w.path, electionsObserverToken, w.body); code != http.StatusForbidden {
			t.Errorf("observer %s %s: %d, want 403", w.method, w.path, code)
		}
	}
	if code, _ := call(t, ts, "POST", base+"/publish", electionsAdminToken, ""); code != http.StatusConflict {
		t.Errorf("publish with a tie: %d, want 409", code)
	}
	for _, bad := range []string{
		`{"position": "treasurer", "winner": "999", "reason": "hat"}`,
		`{"position": "treasurer", "winner": "` + id + `", "reason": " "}`,
		`{"position": "treasurer", "winner": -3, "reason": "hat"}`,
		`{"position": "treasurer", "reason": "hat"}`,
		`{"position": "treasurer", "winner": "` + id + `", "reason": "hat", "extra": 1}`,
	} {
		if code, body := call(t, ts, "POST", base+"/ties", electionsAdminToken, bad); code != http.StatusBadRequest {
			t.Errorf("%s: %d %v, want 400", bad, code, body)
		}
	}
	code, body = call(t, ts, "POST", base+"/ties", electionsAdminToken, tieBody)
	if code != http.StatusOK || body["ties"] != float64(0) || body["publishable"] != true {
		t.Fatalf("after the draw: %d %v", code, body)
	}

	code, body = call(t, ts, "POST", base+"/publish", electionsAdminToken, "")
	pub, err := db.Publication(context.Background(), "wise-ra-2023")
	if err != nil {
		t.Fatal(err)
	}
	if code != http.StatusOK || body["revision"] != float64(1) || body["ballots_sha256"] != hex.EncodeToString(pub.BallotsSHA256[:]) ||
		body["urls"].(map[string]any)["ballots_json"] != "/elections/wise-ra-2023/ballots.json" || body["signed"] != false {
		t.Errorf("publish: %d %v", code, body)
	}
	if len(published) != 1 {
		t.Errorf("the after-publish hook ran %d times, want once", len(published))
	}

	code, body = call(t, ts, "GET", base+"/audit?limit=2", electionsObserverToken, "")
	if code != http.StatusOK || len(body["entries"].([]any)) != 2 || body["next_after"] == nil {
		t.Errorf("audit page: %d %v", code, body)
	}
	code, body = call(t, ts, "GET", "/api/admin/audit?limit=1000", electionsObserverToken, "")
	entries := body["entries"].([]any)
	last := entries[len(entries)-1].(map[string]any)
	if code != http.StatusOK || last["action"] != "results.published" || last["actor"] != "api:admin" {
		t.Errorf("whole audit log ends with %v (%d)", last, code)
	}
	if code, _ := call(t, ts, "GET", base+"/audit?after=x", electionsObserverToken, ""); code != http.StatusBadRequest {
		t.Errorf("audit?after=x: %d, want 400", code)
	}

	if code, _ := call(t, ts, "POST", base+"/purge", electionsAdminToken, ""); code != http.StatusBadRequest {
		t.Errorf("purge without confirmation: %d, want 400", code)
	}
	if code, body := call(t, ts, "POST", base+"/purge", electionsAdminToken, `{"confirm": "wise-ra-2023"}`); code != http.StatusConflict ||
		!strings.Contains(body["error"].(string), "must be kept until") {
		t.Errorf("purge within retention: %d %v", code, body)
	}
	if _, err := db.SQL().Exec(`UPDATE publications SET published_at = published_at - INTERVAL 366 DAY`); err != nil {
		t.Fatal(err)
	}
	code, body = call(t, ts, "POST", base+"/purge", electionsAdminToken, `{"confirm": "wise-ra-2023"}`)
	if code != http.StatusOK || body["voters_deleted"] != float64(6) || body["ballots_kept"] != float64(4) {
		t.Errorf("purge: %d %v", code, body)
	}
}
