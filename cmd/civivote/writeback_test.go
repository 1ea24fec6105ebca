package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"go.uber.org/zap"
)

// publishedWISE runs the WISE-RA election to published results with the store: Treasurer
// 10 beats 11 two votes to one, 12 is elected Membership Officer unopposed. The contacts
// are individuals of the fake CiviCRM's transcript site (the organisation is contact 4).
func publishedWISE(t *testing.T, env map[string]string) *store.DB {
	t.Helper()
	mustRun(t, env, "election", "apply", "-f", electionFixture(t, "wise-ra-2023.yaml"))
	ctx := context.Background()
	db := storetest.OpenDSN(t, env["CIVIVOTE_MYSQL_DSN"])
	el, err := db.GetElection(ctx, "wise-ra-2023")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2023, 1, 10, 12, 0, 0, 0, time.UTC)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	for id, pos := range map[int64]string{10: "treasurer", 11: "treasurer", 12: "membership-officer"} {
		exec(`INSERT INTO candidates (election_id, position_key, contact_id, display_name, statement, declarations,
			status, created_at, updated_at) VALUES (?, ?, ?, ?, '', '[]', 'accepted', ?, ?)`,
			el.ID, pos, id, fmt.Sprintf("Member %d", id), at, at)
	}
	for id := int64(30); id < 33; id++ {
		exec(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at)
			VALUES (?, ?, TRUE, ?, ?)`, id, fmt.Sprintf("Voter %d", id), at, at)
		exec(`INSERT INTO voters (election_id, contact_id, issued_at) VALUES (?, ?, ?)`, el.ID, id, at)
	}
	exec(`UPDATE elections SET state = ? WHERE id = ?`, string(election.VotingOpen), el.ID)
	if el, err = db.GetElection(ctx, "wise-ra-2023"); err != nil {
		t.Fatal(err)
	}
	paper, err := db.BallotPaper(ctx, &el.Election)
	if err != nil {
		t.Fatal(err)
	}
	cands, err := db.Candidates(ctx, "wise-ra-2023")
	if err != nil {
		t.Fatal(err)
	}
	cand := map[int64]int64{} // contact -> candidate id
	for _, c := range cands {
		cand[c.ContactID] = c.ID
	}
	cast := time.Date(2023, 2, 10, 12, 0, 0, 0, time.UTC)
	for i, treasurer := range []int64{10, 10, 11} {
		b, err := paper.Encode(election.Choices{"treasurer": {cand[treasurer]}, "membership-officer": {cand[12]}})
		if err != nil {
			t.Fatal(err)
		}
		v := &election.Voter{Election: &el.Election, ContactID: int64(30 + i), InGoodStanding: true}
		if _, err := db.CastBallot(ctx, v, b, cast); err != nil {
			t.Fatal(err)
		}
	}
	if out, _, err := runForTest(t, env, "writeback", "wise-ra-2023"); env["CIVIVOTE_CIVICRM_ORG_CONTACT_ID"] != "" &&
		(err == nil || !strings.Contains(err.Error(), "civivote publish wise-ra-2023")) {
		t.Errorf("write-back before publication: %v\n%s; want a refusal saying to publish first", err, out)
	}
	mustRun(t, env, "election", "advance", "wise-ra-2023", "--reason", "voting closes")
	if _, err := db.Publish(ctx, "wise-ra-2023", nil, "test", time.Date(2023, 3, 1, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestWritebackThroughTheOutboxToCiviCRM follows issue 7's write-back end to end against
// the fake CiviCRM and a real database: publish, write back, deliver, find exactly one
// relationship per officer with the right dates and title; write back again and find
// nothing new; a re-elected officer keeps the record of the previous tenure; the previous
// holder who was not re-elected is ended the day before; --verify passes, then catches a
// tenure changed by hand.
func TestWritebackThroughTheOutboxToCiviCRM(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	env := linkEnv(t)
	env["CIVIVOTE_CIVICRM_URL"] = fake.URL()
	env["CIVIVOTE_CIVICRM_API_KEY"] = civicrmtest.AdminKey
	env["CIVIVOTE_CIVICRM_ORG_CONTACT_ID"] = "4"
	env["CIVIVOTE_WRITEBACK_END_PREVIOUS"] = "true"
	db := publishedWISE(t, env)
	ctx := context.Background()

	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	crm, err := newCiviCRM(cfg, zap.NewNop(), nil)
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	// 10 was Treasurer for the term before; 20 has been Membership Officer with no end date.
	if _, err := crm.SaveRelationships(ctx, []civicrm.Relationship{
		{ContactIDA: 10, ContactIDB: 4, Type: "Officer of", StartDate: day("2021-03-01"), EndDate: day("2023-02-28"),
			Active: true, Description: "Treasurer"},
		{ContactIDA: 20, ContactIDB: 4, Type: "Officer of", StartDate: day("2021-03-01"), Active: true,
			Description: "Membership Officer"},
	}); err != nil {
		t.Fatal(err)
	}
	before := len(fake.Relationships())

	out := mustRun(t, env, "writeback", "wise-ra-2023")
	for _, want := range []string{"Treasurer", "Member 10", "2023-03-01", "2025-02-28", "Membership Officer",
		"ends Membership Officer's previous tenure: contact 20", "Queued 3 writes.", "is now written back", "3 pending"} {
		if !strings.Contains(out, want) {
			t.Errorf("writeback output lacks %q:\n%s", want, out)
		}
	}
	// The officers are what is on its way, not links that were never queued.
	if show := mustRun(t, env, "election", "show", "wise-ra-2023"); !strings.Contains(show, "officers:            3 pending") ||
		!strings.Contains(show, "the officers are on their way to CiviCRM: `civivote writeback wise-ra-2023 --verify`") {
		t.Errorf("election show does not count the write-back:\n%s", show)
	}

	w, err := newOutboxWorker(cfg, db, crm, "test", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	drain := func() {
		t.Helper()
		res, err := w.Drain(ctx)
		if err != nil || res.Failed > 0 {
			t.Fatalf("drain: %+v, %v", res, err)
		}
	}
	drain()
	check := func(when string) {
		t.Helper()
		rels := fake.Relationships()
		if len(rels) != before+2 {
			t.Errorf("%s: %d relationships, want %d: one new per officer", when, len(rels), before+2)
		}
		type tenure struct{ start, end, desc string }
		got := map[int64][]tenure{}
		active := map[int64]bool{}
		for _, r := range rels {
			if r.ContactIDB == 4 && r.TypeID == 11 {
				got[r.ContactIDA] = append(got[r.ContactIDA], tenure{r.StartDate, r.EndDate, r.Description})
				active[r.ContactIDA] = r.IsActive
			}
		}
		want := map[int64][]tenure{
			10: {{"2021-03-01", "2023-02-28", "Treasurer"}, {"2023-03-01", "2025-02-28", "Treasurer"}},
			12: {{"2023-03-01", "2025-02-28", "Membership Officer"}},
			20: {{"2021-03-01", "2023-02-28", "Membership Officer"}},
		}
		for c, ts := range want {
			if fmt.Sprint(got[c]) != fmt.Sprint(ts) {
				t.Errorf("%s: contact %d has %v, want %v", when, c, got[c], ts)
			}
		}
		if len(got[11]) != 0 || active[20] || !active[12] {
			t.Errorf("%s: the runner-up has %v; 20 active %v (want ended), 12 active %v", when, got[11], active[20], active[12])
		}
	}
	check("after the first write-back")

	// 20's tenure is no longer current, so there is nothing to end this time.
	out = mustRun(t, env, "writeback", "wise-ra-2023")
	if !strings.Contains(out, "Nothing new queued: all 2 writes were queued by an earlier write-back") ||
		!strings.Contains(out, "3 delivered") {
		t.Errorf("second write-back:\n%s", out)
	}
	drain()
	check("after writing back twice")

	out = mustRun(t, env, "writeback", "wise-ra-2023", "--verify")
	if !strings.Contains(out, "All 2 officers are in CiviCRM with the right dates.") {
		t.Errorf("verify:\n%s", out)
	}

	// Someone shortens 12's tenure in CiviCRM by hand: --verify says so and fails.
	if _, err := crm.SaveRelationships(ctx, []civicrm.Relationship{{ContactIDA: 12, ContactIDB: 4, Type: "Officer of",
		StartDate: day("2023-03-01"), EndDate: day("2024-02-29"), Active: true, Description: "Membership Officer"}}); err != nil {
		t.Fatal(err)
	}
	out, _, err = runForTest(t, env, "writeback", "wise-ra-2023", "--verify")
	if err == nil || !strings.Contains(out, "WRONG: relationship") || !strings.Contains(out, "ends 2024-02-29, want 2025-02-28") ||
		!strings.Contains(err.Error(), "1 of 2 officers are missing or wrong") {
		t.Errorf("verify after a change by hand: %v\n%s", err, out)
	}
}

// Without the organisation contact the write-back says which variable to set.
func TestWritebackNeedsTheOrganisation(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	env := linkEnv(t)
	env["CIVIVOTE_CIVICRM_URL"] = fake.URL()
	env["CIVIVOTE_CIVICRM_API_KEY"] = civicrmtest.AdminKey
	publishedWISE(t, env)
	_, _, err := runForTest(t, env, "writeback", "wise-ra-2023")
	if err == nil || !strings.Contains(err.Error(), "CIVIVOTE_CIVICRM_ORG_CONTACT_ID is not set") {
		t.Errorf("write-back without the organisation: %v", err)
	}
	if out := mustRun(t, env, "writeback", "--help"); !strings.Contains(out, "--verify") {
		t.Errorf("writeback --help:\n%s", out)
	}
}

// With CIVIVOTE_WRITEBACK_AUTO=true, publishing queues the write-back at once (what
// `civivote publish` runs after a successful publish); without it, nothing happens.
func TestWritebackAutoAfterPublish(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	env := linkEnv(t)
	env["CIVIVOTE_CIVICRM_URL"] = fake.URL()
	env["CIVIVOTE_CIVICRM_API_KEY"] = civicrmtest.AdminKey
	env["CIVIVOTE_CIVICRM_ORG_CONTACT_ID"] = "4"
	db := publishedWISE(t, env)
	ctx := context.Background()
	var out bytes.Buffer
	e := writebackEnv(env, &out)
	if err := publishWriteback(ctx, e, db, "wise-ra-2023"); err != nil || out.Len() != 0 {
		t.Fatalf("auto off: %v, printed %q; want nothing done", err, out.String())
	}
	if items, _ := db.WritebackItems(ctx, "wise-ra-2023"); len(items) != 0 {
		t.Fatalf("auto off queued %d writes", len(items))
	}
	env["CIVIVOTE_WRITEBACK_AUTO"] = "true"
	if err := publishWriteback(ctx, e, db, "wise-ra-2023"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Queued 2 writes.") || !strings.Contains(out.String(), "is now written back") {
		t.Errorf("auto write-back printed:\n%s", out.String())
	}
	if el, _ := db.GetElection(ctx, "wise-ra-2023"); el.State != election.WrittenBack {
		t.Errorf("state after the automatic write-back: %s", el.State)
	}
}

func writebackEnv(vars map[string]string, out *bytes.Buffer) env {
	return env{getenv: func(k string) string { return vars[k] }, stdout: out, stderr: out}
}
