package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/google/go-cmp/cmp"
)

// afterTenureStarts is a few days after WISE-RA's tenure starts (2023-03-01) and its voting
// closed (2023-02-28 23:59 Europe/London).
var afterTenureStarts = time.Date(2023, 3, 3, 10, 0, 0, 0, time.UTC)

const testOrg = 4

func testWriteback() store.WritebackConfig {
	return store.WritebackConfig{OrgContactID: testOrg, RelationshipType: "Officer of"}
}

// publishedStation runs a WISE-RA election to published results: five voters, three of
// whom choose each position's first candidate and two its second, so every position
// elects its first candidate (or both, where it has two seats), with no tie.
func publishedStation(t *testing.T, db *store.DB) *pollingStation {
	t.Helper()
	ctx := context.Background()
	st := openStation(t, db, 5)
	for i := range 5 {
		c := election.Choices{}
		for _, con := range st.paper.Contests() {
			c[con.Key] = []int64{con.Candidates[min(i/3, 1)]}
		}
		b, err := st.paper.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CastBallot(ctx, st.voter(i), b, castNow); err != nil {
			t.Fatal(err)
		}
	}
	slug := st.election.Definition.Slug
	if _, err := db.AdvanceElection(ctx, slug, "test: close the poll", testLinks, "test", afterTenureStarts); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Publish(ctx, slug, nil, "test", afterTenureStarts); err != nil {
		t.Fatal(err)
	}
	return st
}

// wantOfficers is who publishedStation elects, in position order.
func wantOfficers(t *testing.T, db *store.DB, st *pollingStation) []store.Officer {
	t.Helper()
	cands, err := db.Candidates(context.Background(), st.election.Definition.Slug)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]election.Candidate{}
	for _, c := range cands {
		byID[c.ID] = c
	}
	d := st.election.Definition
	var out []store.Officer
	for _, con := range st.paper.Contests() {
		p, _ := d.Position(con.Key)
		for _, id := range con.Candidates[:min(con.Seats, len(con.Candidates))] {
			out = append(out, store.Officer{PositionKey: con.Key, Position: p.Title, CandidateID: id,
				ContactID: byID[id].ContactID, Name: byID[id].Name, Start: d.TenureStarts, End: p.TenureEnd(d.TenureStarts)})
		}
	}
	return out
}

func TestWritebackQueuesEachOfficerOnceAndMovesToWrittenBack(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t))
	ctx := context.Background()
	st := publishedStation(t, db)
	slug := st.election.Definition.Slug

	rep, err := db.QueueWriteback(ctx, slug, testWriteback(), "test", afterTenureStarts)
	if err != nil {
		t.Fatal(err)
	}
	want := wantOfficers(t, db, st)
	if d := cmp.Diff(want, rep.Officers); d != "" {
		t.Errorf("officers (-want +got):\n%s", d)
	}
	if len(want) < len(st.paper.Contests()) || rep.Queued != len(want) || rep.AlreadyQueued != 0 || !rep.Advanced || rep.Revision != 1 {
		t.Errorf("report: queued %d, already %d, advanced %v, revision %d; want %d new, advanced, revision 1",
			rep.Queued, rep.AlreadyQueued, rep.Advanced, rep.Revision, len(want))
	}
	e, err := db.GetElection(ctx, slug)
	if err != nil || e.State != election.WrittenBack {
		t.Fatalf("state after the write-back: %v, %v; want written_back", e.State, err)
	}

	items, err := db.WritebackItems(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	var got []outbox.Relationship
	for _, it := range items {
		if it.State != outbox.StatePending {
			t.Errorf("item %d is %s, want pending", it.ID, it.State)
		}
		got = append(got, it.Relationship)
	}
	var wantRels []outbox.Relationship
	for _, o := range want {
		wantRels = append(wantRels, outbox.Relationship{ContactA: o.ContactID, ContactB: testOrg, Type: "Officer of",
			Start: o.Start.In(time.UTC), End: o.End.In(time.UTC), Description: o.Position})
	}
	if d := cmp.Diff(wantRels, got); d != "" {
		t.Errorf("queued relationships (-want +got):\n%s", d)
	}
	treasurer := got[2]
	if treasurer.Description != "Treasurer" || treasurer.Start.Format(time.DateOnly) != "2023-03-01" ||
		treasurer.End.Format(time.DateOnly) != "2025-02-28" {
		t.Errorf("the treasurer's tenure is %+v; want Treasurer from 2023-03-01 to 2025-02-28 (24 months)", treasurer)
	}
	counts, err := db.Outbox().ElectionOutbox(ctx, slug)
	if err != nil || counts[outbox.KindRelationship].Pending != len(want) {
		t.Errorf("election outbox counts %v (%v); want %d pending relationships", counts, err, len(want))
	}

	again, err := db.QueueWriteback(ctx, slug, testWriteback(), "test", afterTenureStarts.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if again.Queued != 0 || again.AlreadyQueued != len(want) || again.Advanced {
		t.Errorf("second write-back: queued %d, already %d, advanced %v; want nothing new", again.Queued, again.AlreadyQueued, again.Advanced)
	}
	if items, _ := db.WritebackItems(ctx, slug); len(items) != len(want) {
		t.Errorf("%d items after writing back twice, want %d", len(items), len(want))
	}

	// Both runs are audited with the officers; the state changed once.
	var details []string
	rows, err := db.SQL().QueryContext(ctx, `SELECT details FROM audit_log WHERE election_id = ? AND action = ? ORDER BY id`,
		st.election.ID, store.ActionWritebackQueued)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		details = append(details, s)
	}
	rows.Close()
	if len(details) != 2 {
		t.Fatalf("%d writeback_queued audit rows, want 2", len(details))
	}
	var first struct {
		Officers []struct {
			ContactID int64  `json:"contact_id"`
			Position  string `json:"position"`
			Start     string `json:"start_date"`
			End       string `json:"end_date"`
		} `json:"officers"`
		Queued int `json:"queued"`
	}
	if err := json.Unmarshal([]byte(details[0]), &first); err != nil {
		t.Fatal(err)
	}
	if len(first.Officers) != len(want) || first.Officers[2].ContactID != want[2].ContactID ||
		first.Officers[2].Start != "2023-03-01" || first.Officers[2].End != "2025-02-28" || first.Queued != len(want) {
		t.Errorf("audit details %s", details[0])
	}
	var advanced int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE election_id = ? AND action = ?
		AND details LIKE '%written_back%'`, st.election.ID, store.ActionElectionAdvanced).Scan(&advanced); err != nil || advanced != 1 {
		t.Errorf("%d audited moves to written_back (%v), want 1", advanced, err)
	}
}

func TestWritebackRefusals(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t))
	ctx := context.Background()
	st := openStation(t, db, 2)
	slug := st.election.Definition.Slug

	_, err := db.QueueWriteback(ctx, slug, testWriteback(), "test", castNow)
	if !errors.Is(err, election.ErrWrongState) || !strings.Contains(err.Error(), "civivote publish "+slug) {
		t.Errorf("before publication: %v; want a wrong-state error saying to publish first", err)
	}
	noOrg := testWriteback()
	noOrg.OrgContactID = 0
	if _, err := db.QueueWriteback(ctx, slug, noOrg, "test", castNow); !errors.Is(err, election.ErrInvalid) ||
		!strings.Contains(err.Error(), "CIVIVOTE_CIVICRM_ORG_CONTACT_ID") {
		t.Errorf("without an organisation: %v; want an error naming CIVIVOTE_CIVICRM_ORG_CONTACT_ID", err)
	}
	noType := testWriteback()
	noType.RelationshipType = ""
	if _, err := db.QueueWriteback(ctx, slug, noType, "test", castNow); !errors.Is(err, election.ErrInvalid) ||
		!strings.Contains(err.Error(), "CIVIVOTE_CIVICRM_OFFICER_RELATIONSHIP") {
		t.Errorf("without a relationship type: %v", err)
	}
	if _, err := db.QueueWriteback(ctx, "no-such-election", testWriteback(), "test", castNow); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("unknown election: %v", err)
	}
	if items, err := db.WritebackItems(ctx, slug); err != nil || len(items) != 0 {
		t.Errorf("refused write-backs queued %d items (%v)", len(items), err)
	}
	if e, _ := db.GetElection(ctx, slug); e.State != election.VotingOpen {
		t.Errorf("a refused write-back moved the election to %s", e.State)
	}
	if _, err := db.WritebackItems(ctx, "no-such-election"); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("items of an unknown election: %v", err)
	}
}

// With EndPrevious, the previous holder of a position who was not re-elected is ended the
// day before the new tenure (by the relationship's id, so an officer's other tenures are
// untouched); a re-elected holder, a tenure that ends before the new one anyway, another
// position's holder and a tenure that starts with the new one are left alone.
func TestWritebackEndsPreviousHolders(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t))
	ctx := context.Background()
	st := publishedStation(t, db)
	slug := st.election.Definition.Slug
	officers := wantOfficers(t, db, st)
	treasurer := officers[2]
	day := func(s string) election.Date { d, _ := election.ParseDate(s); return d }

	wc := testWriteback()
	wc.EndPrevious = true
	wc.Current = []store.HeldOffice{
		{RelationshipID: 21, ContactID: 77, Start: day("2021-03-01"), Description: "Treasurer"},                         // ended
		{RelationshipID: 22, ContactID: treasurer.ContactID, Start: day("2021-03-01"), Description: "Treasurer"},        // re-elected
		{RelationshipID: 23, ContactID: 78, Start: day("2021-03-01"), End: day("2023-02-28"), Description: "Treasurer"}, // ends anyway
		{RelationshipID: 24, ContactID: 79, Start: day("2021-03-01"), Description: "Branch secretary"},                  // not a position
		{RelationshipID: 25, ContactID: 80, Start: day("2023-03-01"), Description: "Treasurer"},                         // starts with it
		{RelationshipID: 26, ContactID: 81, Description: "Treasurer"},                                                   // no dates at all
	}
	rep, err := db.QueueWriteback(ctx, slug, wc, "test", afterTenureStarts)
	if err != nil {
		t.Fatal(err)
	}
	var ended []int64
	for _, h := range rep.Ended {
		ended = append(ended, h.RelationshipID)
		if h.NewEnd != day("2023-02-28") || !h.Inactive || h.PositionKey != treasurer.PositionKey {
			t.Errorf("ended %+v; want it ended 2023-02-28, inactive (that day has passed), as %s", h, treasurer.PositionKey)
		}
	}
	if d := cmp.Diff([]int64{21, 26}, ended); d != "" {
		t.Errorf("ended relationships (-want +got):\n%s", d)
	}
	if rep.Queued != len(officers)+2 {
		t.Errorf("queued %d, want %d officers and 2 ends", rep.Queued, len(officers))
	}
	items, err := db.WritebackItems(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	last := items[len(items)-1].Relationship
	if want := (outbox.Relationship{ID: 26, ContactA: 81, ContactB: testOrg, Type: "Officer of",
		End: day("2023-02-28").In(time.UTC), Description: "Treasurer", Inactive: true}); !cmp.Equal(want, last) {
		t.Errorf("end of relationship 26: %+v, want %+v", last, want)
	}
	again, err := db.QueueWriteback(ctx, slug, wc, "test", afterTenureStarts)
	if err != nil || again.Queued != 0 {
		t.Errorf("again: %d queued (%v), want none", again.Queued, err)
	}

	// Before the new tenure starts, the previous holder stays active until the day
	// before it, when CiviCRM stops counting the relationship as current.
	early := publishedStation(t, db)
	rep, err = db.QueueWriteback(ctx, early.election.Definition.Slug, wc, "test", time.Date(2023, 2, 20, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	// (The first station's treasurer, relationship 22, was not elected in this one.)
	if len(rep.Ended) != 3 || rep.Ended[0].Inactive || rep.Ended[1].RelationshipID != 22 {
		t.Errorf("ended before the tenure starts: %+v; want the end date set and the relationship still active", rep.Ended)
	}
}
