package main

import (
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/civivote/civivote/web"
)

func TestTokensAdminAPI(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t))
	now := time.Date(2023, 1, 10, 9, 0, 0, 0, time.UTC)
	lc := store.LinkConfig{Secret: []byte(testTokenSecret), Field: "Union_Sync.voting_link"}
	admin, observer := sha256.Sum256([]byte(electionsAdminToken)), sha256.Sum256([]byte(electionsObserverToken))
	srv := web.New(web.Options{
		Tokens:    web.APITokens{Admin: &admin, Observer: &observer},
		Elections: electionStore{db: db, lc: lc},
		Links:     linkStore{db: db, lc: lc},
		Now:       func() time.Time { return now },
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	src, err := os.ReadFile(electionFixture(t, "wise-ra-2023.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if code, body := call(t, ts, http.MethodPut, "/api/admin/elections/wise-ra-2023", electionsAdminToken, string(src)); code != http.StatusCreated {
		t.Fatalf("apply: %d %v", code, body)
	}
	for c := 1; c <= 2; c++ {
		if _, err := db.SQL().Exec(`INSERT INTO members (contact_id, in_good_standing, first_seen_at, last_seen_at) VALUES (?, TRUE, ?, ?)`,
			c, now.AddDate(0, -1, 0), now.AddDate(0, -1, 0)); err != nil {
			t.Fatal(err)
		}
	}

	if code, _ := call(t, ts, http.MethodPost, "/api/admin/elections/wise-ra-2023/tokens", electionsObserverToken, ""); code != http.StatusForbidden {
		t.Errorf("observer issuing links: %d, want 403", code)
	}
	code, body := call(t, ts, http.MethodPost, "/api/admin/elections/wise-ra-2023/tokens", electionsAdminToken, "")
	if links, _ := body["links"].(map[string]any); code != http.StatusOK || links["issued"] != 2.0 {
		t.Errorf("issue: %d %v, want 2 issued", code, body)
	}
	if code, body := call(t, ts, http.MethodPost, "/api/admin/elections/wise-ra-2023/tokens/2/reissue", electionsAdminToken, ""); code != http.StatusOK || body["reissued"] != true {
		t.Errorf("reissue: %d %v", code, body)
	}
	if code, _ := call(t, ts, http.MethodPost, "/api/admin/elections/wise-ra-2023/tokens/9/reissue", electionsAdminToken, ""); code != http.StatusNotFound {
		t.Errorf("reissue for a contact without a link: %d, want 404", code)
	}
	if code, _ := call(t, ts, http.MethodPost, "/api/admin/elections/wise-ra-2023/tokens/x/reissue", electionsAdminToken, ""); code != http.StatusBadRequest {
		t.Errorf("reissue for contact x: %d, want 400", code)
	}
	if code, _ := call(t, ts, http.MethodPost, "/api/admin/elections/nope/tokens", electionsAdminToken, ""); code != http.StatusNotFound {
		t.Errorf("issue for an unknown election: %d, want 404", code)
	}
	var audits int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE actor = 'api:admin' AND action IN ('links.issued', 'link.reissued')`).Scan(&audits); err != nil || audits != 2 {
		t.Errorf("%d audit entries by api:admin (%v), want 2", audits, err)
	}
}
