package main

import (
	"crypto/sha256"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/civivote/civivote/web"
)

// TestCandidatesAdminAPI drives the committee's candidate endpoints over real HTTP with the
// real store behind them, wired as serve wires them.
func TestCandidatesAdminAPI(t *testing.T) {
	env := linkEnv(t)
	db, ann, bob, _ := nominees(t, env)
	admin, observer := sha256.Sum256([]byte(electionsAdminToken)), sha256.Sum256([]byte(electionsObserverToken))
	srv := web.New(web.Options{
		Tokens:     web.APITokens{Admin: &admin, Observer: &observer},
		Candidates: db,
		Now:        func() time.Time { return time.Date(2023, 1, 20, 9, 0, 0, 0, time.UTC) },
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	base := "/api/admin/elections/wise-ra-2023/candidates"

	status, body := call(t, ts, "GET", base, electionsObserverToken, "")
	list, _ := body["candidates"].([]any)
	if status != 200 || len(list) != 3 {
		t.Fatalf("GET candidates = %d %v; want the three nominations", status, body)
	}
	first, _ := list[0].(map[string]any)
	if first["position"] != "treasurer" || first["status"] != "pending" || first["statement_words"] == nil || first["statement"] == "" {
		t.Errorf("first candidate = %v", first)
	}

	if status, body := call(t, ts, "POST", fmt.Sprintf("%s/%d/accept", base, ann), electionsObserverToken, ""); status != 403 {
		t.Errorf("observer accepting = %d %v; want 403", status, body)
	}
	status, body = call(t, ts, "POST", fmt.Sprintf("%s/%d/accept", base, ann), electionsAdminToken, "")
	if c, _ := body["candidate"].(map[string]any); status != 200 || c["status"] != "accepted" {
		t.Errorf("accept = %d %v", status, body)
	}
	status, body = call(t, ts, "POST", fmt.Sprintf("%s/%d/reject", base, bob), electionsAdminToken, `{}`)
	if status != 400 || body["error"] != "give the reason for rejecting Bob Baker; the candidate will see it" {
		t.Errorf("reject without a reason = %d %v; want 400 saying a reason is needed", status, body)
	}
	status, body = call(t, ts, "POST", fmt.Sprintf("%s/%d/reject", base, bob), electionsAdminToken, `{"reason": "Not in the region."}`)
	if c, _ := body["candidate"].(map[string]any); status != 200 || c["status"] != "rejected" || c["reason"] != "Not in the region." {
		t.Errorf("reject = %d %v", status, body)
	}
	if status, body := call(t, ts, "POST", base+"/99999/accept", electionsAdminToken, ""); status != 404 {
		t.Errorf("unknown candidate = %d %v; want 404", status, body)
	}
	if status, body := call(t, ts, "POST", base+"/x/accept", electionsAdminToken, ""); status != 400 {
		t.Errorf("bad id = %d %v; want 400", status, body)
	}
	if status, body := call(t, ts, "GET", "/api/admin/elections/nope/candidates", electionsObserverToken, ""); status != 404 {
		t.Errorf("unknown election = %d %v; want 404", status, body)
	}
	// An audit entry names the API as the actor.
	var actor string
	if err := db.SQL().QueryRow(`SELECT actor FROM audit_log WHERE action = 'candidate.rejected'`).Scan(&actor); err != nil || actor != "api:admin" {
		t.Errorf("rejection audited by %q, %v; want api:admin", actor, err)
	}
}
