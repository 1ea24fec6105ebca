package main

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store/storetest"
)

// officerItems are write-back items: contacts ids become officers of the organisation 4.
func officerItems(ids []int64) []outbox.Item {
	var items []outbox.Item
	for _, id := range ids {
		items = append(items, outbox.SaveRelationship(outboxSlug, outbox.Relationship{ContactA: id, ContactB: 4,
			Type: "Officer of", Start: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC),
			End: time.Date(2029, 2, 28, 0, 0, 0, 0, time.UTC), Description: "Treasurer"}))
	}
	return items
}

// saveCounts counts, per contact, the records of successful entity.save calls naming it in field.
func saveCounts(fake *civicrmtest.Server, entity, field string) map[int64]int {
	count := map[int64]int{}
	for _, w := range fake.Writes() {
		if w.Entity != entity || w.Action != "save" || w.Err != "" {
			continue
		}
		for _, r := range w.Records {
			if n, err := strconv.ParseInt(fmt.Sprint(r[field]), 10, 64); err == nil {
				count[n]++
			}
		}
	}
	return count
}

// kill -9 of serve twice while it delivers to CiviCRM — once in the middle of the voting
// links, once in the middle of the officers' relationships (write-back) — then a third
// start: everything arrives, each write at most twice (only the batch the kill cut off is
// sent again) and the officers' relationships exist once each.
func TestKillServeDuringOutboxDelivery(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), civicrmtest.WithWorkers(1),
		civicrmtest.WithWriteCost("Contact", 20*time.Millisecond), civicrmtest.WithWriteCost("Relationship", 20*time.Millisecond))
	dsn := storetest.NewDatabase(t)
	db := storetest.OpenDSN(t, dsn)
	ctx := context.Background()
	ids := transcriptMembers()
	officers := ids[:20]
	if _, err := db.Outbox().Enqueue(ctx, append(electionItems(ids, 0), officerItems(officers)...)); err != nil {
		t.Fatal(err)
	}
	env := faultEnv(dsn, fake.URL(), "CIVIVOTE_OUTBOX_SCHEDULE=@every 1s", "CIVIVOTE_OUTBOX_BATCH=10", "CIVIVOTE_OUTBOX_WRITERS=1")

	kills := 0
	for _, at := range []string{"Contact", "Relationship"} {
		// CiviCRM has done the batch's work; the process dies before it hears so: the fake
		// holds its answer until the test has killed the process.
		reached, dead := make(chan struct{}), make(chan struct{})
		fake.AfterCall(at, "save", 1, func(*civicrmtest.Server) {
			close(reached)
			<-dead
		})
		r := startReplica(t, env)
		select {
		case <-reached:
			r.cmd.Process.Kill()
			r.cmd.Wait()
			close(dead)
			kills++
		case <-time.After(60 * time.Second):
			t.Fatalf("no %s.save within a minute:\n%s", at, r.logs.text())
		}
	}

	startReplica(t, env)
	waitUntil(t, "the outbox to drain", func() (bool, bool) {
		st, err := db.Outbox().Stats(ctx, time.Now())
		return true, err == nil && st.Pending == 0
	})
	checkDelivered(t, fake, ids, nil)
	resent := 0
	for id, n := range saveCounts(fake, "Contact", "id") {
		if n > 2 {
			t.Errorf("contact %d's link was saved by %d successful calls", id, n)
		}
		if n == 2 {
			resent++
		}
	}
	if resent > 10 {
		t.Errorf("%d links were saved twice; only the batch of 10 cut off by the kill may be", resent)
	}
	relSaves := saveCounts(fake, "Relationship", "contact_id_a")
	held := map[int64]int{}
	for _, rel := range fake.Relationships() {
		held[rel.ContactIDA]++
	}
	for _, id := range officers {
		if held[id] != 1 || relSaves[id] < 1 || relSaves[id] > 2 {
			t.Errorf("officer %d: %d relationships in CiviCRM after %d saves; want 1 after 1 or 2", id, held[id], relSaves[id])
		}
	}
	if len(held) != len(officers) {
		t.Errorf("%d contacts hold relationships, want the %d officers", len(held), len(officers))
	}
	counts, err := db.Outbox().ElectionOutbox(ctx, outboxSlug)
	if err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[outbox.Kind]int{outbox.KindLink: len(ids), outbox.KindRelationship: len(officers)} {
		if c := counts[kind]; c.Delivered != want || c.Pending+c.Failed != 0 {
			t.Errorf("%s items: %+v, want %d delivered", kind, c, want)
		}
	}
	t.Logf("%d kills; %d links, %d group adds, %d officers delivered; %d link saves and %d relationship saves sent twice (cut-off batches)",
		kills, len(ids), len(ids), len(officers), resent, countTwice(relSaves))
}

func countTwice(m map[int64]int) int {
	n := 0
	for _, v := range m {
		if v > 1 {
			n++
		}
	}
	return n
}
