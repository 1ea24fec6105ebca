package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/scheduler/schedulertest"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

const (
	outboxSlug  = "wise-ra-2023"
	outboxTitle = "2023 IWW WISE-RA Regional Administration Officer Elections"
	linkField   = "Union_Sync.voting_link"
)

// transcriptMembers are the recorded site's contacts 5–54.
func transcriptMembers() []int64 {
	ids := make([]int64, 50)
	for i := range ids {
		ids[i] = int64(5 + i)
	}
	return ids
}

// electionItems are what issuing links queues for each contact: its link (generation gen)
// and its add to the election's group.
func electionItems(ids []int64, gen int) []outbox.Item {
	g := outbox.ElectionGroup(outboxSlug, outboxTitle)
	var items []outbox.Item
	for _, id := range ids {
		items = append(items,
			outbox.SetLink(outbox.Link{Field: linkField, Election: outboxSlug, ContactID: id, Generation: gen}),
			outbox.AddToGroup(outbox.Membership{Group: g, ContactID: id}))
	}
	return items
}

// wantURL is the link a member must find in CiviCRM: the public URL and the derived token.
func wantURL(id int64, gen int) string {
	return "https://vote.example.org/v/" + election.DeriveToken([]byte(testTokenSecret), outboxSlug, id, gen)
}

// checkDelivered fails unless every contact holds its full link (generation gen for all but
// those in gens) and is in the election's group.
func checkDelivered(t *testing.T, fake *civicrmtest.Server, ids []int64, gens map[int64]int) {
	t.Helper()
	g, ok := fake.GroupByName("civivote_wise_ra_2023")
	if !ok || g.Title != outboxTitle+": voters" {
		t.Fatalf("the election's group is %+v (found %v), want civivote_wise_ra_2023 titled %q", g, ok, outboxTitle+": voters")
	}
	members := fake.GroupMembers(g.ID)
	for _, id := range ids {
		if v, _ := fake.CustomValue(id, linkField); v != wantURL(id, gens[id]) {
			t.Errorf("contact %d holds %q, want its generation-%d link %q", id, v, gens[id], wantURL(id, gens[id]))
		}
		if members[id] != "Added" {
			t.Errorf("contact %d is %q in the election's group, want Added", id, members[id])
		}
	}
	if len(members) != len(ids) {
		t.Errorf("the group has %d contacts, want %d", len(members), len(ids))
	}
}

// contactSavedOnce fails unless each contact's link was saved by exactly one successful
// Contact.save: a call that failed part-way may have saved some records, and the retried
// batch saves them again, but no batch that succeeded is sent twice.
func contactSavedOnce(t *testing.T, fake *civicrmtest.Server, ids []int64) {
	t.Helper()
	count := map[int64]int{}
	for _, w := range fake.Writes() {
		if w.Entity != "Contact" || w.Action != "save" || w.Err != "" {
			continue
		}
		for _, r := range w.Records {
			if n, ok := r["id"].(float64); ok {
				count[int64(n)]++
			} else if n, ok := r["id"].(json.Number); ok {
				i, _ := n.Int64()
				count[i]++
			}
		}
	}
	for _, id := range ids {
		if count[id] != 1 {
			t.Errorf("contact %d's link was saved by %d successful calls, want 1", id, count[id])
		}
	}
}

// The drain that serve schedules, built from the configuration as serve builds it, writes
// the full personal links (PUBLIC_URL/v/TOKEN) and the group through CiviCRM's failures:
// HTML 500s after half a batch was applied, and answers slower than the client waits.
func TestOutboxDrainJobDeliversFullLinksThroughFaults(t *testing.T) {
	clock := schedulertest.NewClock(time.Now().UTC().Truncate(time.Second))
	dsn := storetest.NewDatabase(t)
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DSN: dsn, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	env := map[string]string{
		"CIVIVOTE_MYSQL_DSN": dsn, "CIVIVOTE_CIVICRM_URL": fake.URL(), "CIVIVOTE_CIVICRM_API_KEY": civicrmtest.AdminKey,
		"CIVIVOTE_PUBLIC_URL": "https://vote.example.org/", "CIVIVOTE_TOKEN_SECRET": testTokenSecret,
		"CIVIVOTE_OUTBOX_BATCH": "20", "CIVIVOTE_CIVICRM_TIMEOUT": "1s",
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	// The client as serve configures it, but retrying without real waits.
	crm, err := civicrm.New(civicrm.Config{BaseURL: cfg.CiviCRMURL, APIKey: cfg.CiviCRMAPIKey, Timeout: cfg.CiviCRMTimeout,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}, zap.NewNop(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	w, err := newOutboxWorker(cfg, db, crm, "test", prometheus.NewRegistry(), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.DebugLevel)
	job := outboxDrainJob(w, cfg.OutboxSchedule, zap.New(core))

	ids := transcriptMembers()
	items := electionItems(ids, 0)
	// Contact 5's link was re-issued before delivery: only generation 1 may reach CiviCRM.
	items = append(items, outbox.SetLink(outbox.Link{Field: linkField, Election: outboxSlug, ContactID: 5, Generation: 1}))
	if n, err := db.Outbox().Enqueue(ctx, items); err != nil || n != len(items) {
		t.Fatalf("enqueue: %d, %v", n, err)
	}
	fake.Inject(
		// More failures than the client retries by itself, so the outbox retries too.
		civicrmtest.TimeLimit(7).On("Contact", "save").Times(8),
		civicrmtest.TimeLimit(5).On("GroupContact", "save").Times(4),
		civicrmtest.Slow(1500*time.Millisecond).On("GroupContact", "save").Times(1))

	for i := 0; ; i++ {
		if err := job.Run(ctx); err != nil {
			t.Fatalf("drain %d: %v", i, err)
		}
		st, err := w.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Pending == 0 && st.Failed == 0 {
			break
		}
		if i == 20 {
			t.Fatalf("still %+v after 20 drains", st)
		}
		clock.Advance(time.Hour) // past any backoff
	}
	checkDelivered(t, fake, ids, map[int64]int{5: 1})
	contactSavedOnce(t, fake, ids)
	if fake.Calls("Contact", "save") <= 3 {
		t.Errorf("%d Contact.save calls: the faults did not bite", fake.Calls("Contact", "save"))
	}
	var retried int
	for _, e := range logs.FilterMessage("outbox drained").All() {
		retried += int(e.ContextMap()["retried"].(int64))
	}
	if retried == 0 {
		t.Error("no drain retried a batch: the faults did not reach the outbox")
	}
	for _, e := range logs.All() {
		line, _ := json.Marshal(e.ContextMap())
		if strings.Contains(e.Message+string(line), "/v/") {
			t.Errorf("a log line holds a personal link: %s %s", e.Message, line)
		}
	}
}
