package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store/storetest"
)

// CiviCRM down (maintenance mode: every call answers 503) while links are issued and
// officers written back: the outbox keeps the writes, retries with backoff (attempts keep
// failing, none is given up), the admin API and /metrics show the backlog, and everything
// is delivered once, when CiviCRM returns. The outage lasts a few retry rounds (backoff
// from CIVIVOTE_OUTBOX_RETRY_MIN 1s); an hour-long one differs only in the number of rounds.
func TestCiviCRMDownDuringLinksAndWriteback(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	dsn := storetest.NewDatabase(t)
	db := storetest.OpenDSN(t, dsn)
	ctx := context.Background()
	ids := transcriptMembers()
	officers := ids[:10]
	fake.Inject(civicrmtest.Status(http.StatusServiceUnavailable).Times(0))
	if _, err := db.Outbox().Enqueue(ctx, append(electionItems(ids, 0), officerItems(officers)...)); err != nil {
		t.Fatal(err)
	}
	r := startReplica(t, faultEnv(dsn, fake.URL(), "CIVIVOTE_OUTBOX_SCHEDULE=@every 1s", "CIVIVOTE_OUTBOX_BATCH=50"))

	// Two rounds of retries while it stays down.
	waitUntil(t, "two rounds of failed attempts", func() (bool, bool) {
		var attempts int
		err := db.SQL().QueryRow(`SELECT COALESCE(MIN(attempts), 0) FROM outbox`).Scan(&attempts)
		return true, err == nil && attempts >= 2
	})
	total := 2*len(ids) + len(officers)
	code, body := apiCall(t, "GET", r.base+"/api/admin/outbox", observerToken, "")
	byKind, _ := body["by_kind"].(map[string]any)
	rel, _ := byKind["relationship"].(map[string]any)
	if code != http.StatusOK || body["pending"] != float64(total) || body["failed"] != float64(0) || rel["pending"] != float64(len(officers)) {
		t.Errorf("GET /api/admin/outbox while CiviCRM is down: %d %v, want %d pending, none failed", code, body, total)
	}
	if _, metrics := httpGet(t, r.base+"/metrics"); !strings.Contains(metrics, `civivote_outbox_backlog{state="pending"} `) ||
		strings.Contains(metrics, `civivote_outbox_backlog{state="pending"} 0`) {
		t.Errorf("/metrics does not show the pending backlog")
	}
	if n := countWrites(fake, "Contact"); n != 0 {
		t.Errorf("%d Contact writes reached CiviCRM while it was down", n)
	}

	fake.ClearFaults()
	back := time.Now()
	waitUntil(t, "the outbox to drain once CiviCRM is back", func() (bool, bool) {
		st, err := db.Outbox().Stats(ctx, time.Now())
		return true, err == nil && st.Pending == 0
	})
	checkDelivered(t, fake, ids, nil)
	for id, n := range saveCounts(fake, "Contact", "id") {
		if n != 1 {
			t.Errorf("contact %d's link was saved %d times, want once", id, n)
		}
	}
	held := map[int64]int{}
	for _, rel := range fake.Relationships() {
		held[rel.ContactIDA]++
	}
	for _, id := range officers {
		if held[id] != 1 {
			t.Errorf("officer %d has %d relationships, want 1", id, held[id])
		}
	}
	counts, _ := db.Outbox().ElectionOutbox(ctx, outboxSlug)
	if c := counts[outbox.KindRelationship]; c.Delivered != len(officers) || c.Failed != 0 {
		t.Errorf("write-back items: %+v", c)
	}
	t.Logf("%d writes held through the outage and delivered %s after CiviCRM returned", total, time.Since(back).Round(100*time.Millisecond))
}

// countWrites counts the successful write calls on entity.
func countWrites(fake *civicrmtest.Server, entity string) int {
	n := 0
	for _, w := range fake.Writes() {
		if w.Entity == entity && w.Err == "" {
			n++
		}
	}
	return n
}
