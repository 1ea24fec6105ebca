package civicrm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/google/go-cmp/cmp"
)

const linkField = "Union_Sync.voting_link"

func links(ids ...int64) []civicrm.ContactLink {
	out := make([]civicrm.ContactLink, len(ids))
	for i, id := range ids {
		out[i] = civicrm.ContactLink{ContactID: id, URL: fmt.Sprintf("https://vote.example.org/v/secret-%d", id)}
	}
	return out
}

func TestFakeSaveLinksDropsMissingContacts(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	ctx := context.Background()
	ls := links(5, 6, 999999, 7)
	res, err := c.SaveLinks(ctx, linkField, ls)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(civicrm.SaveResult{Saved: 3, Missing: []int64{999999}, Calls: 2}, res); d != "" {
		t.Errorf("result (-want +got):\n%s", d)
	}
	for _, l := range links(5, 6, 7) {
		if v, _ := srv.CustomValue(l.ContactID, linkField); v != l.URL {
			t.Errorf("contact %d holds %q", l.ContactID, v)
		}
	}
	if err := c.VerifyLinks(ctx, linkField, links(5, 6, 7), 2); err != nil {
		t.Errorf("verify: %v", err)
	}
	// Someone overwrites a link: verification says so without showing it.
	if err := srv.SetCustomValue(7, linkField, "https://elsewhere.example/x"); err != nil {
		t.Fatal(err)
	}
	err = c.VerifyLinks(ctx, linkField, links(5, 6, 7), 0)
	if err == nil || !strings.Contains(err.Error(), "contact 7 holds a different link") ||
		strings.Contains(err.Error(), "secret-7") || strings.Contains(err.Error(), "elsewhere") {
		t.Errorf("verify after overwrite: %v", err)
	}
}

func TestFakeSaveLinksUnknownFieldCaughtByVerify(t *testing.T) {
	c, _, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	ctx := context.Background()
	// CiviCRM accepts the save of a field it does not know (46).
	if _, err := c.SaveLinks(ctx, "Union_Sync.no_such_field", links(5)); err != nil {
		t.Fatalf("save: %v", err)
	}
	err := c.VerifyLinks(ctx, "Union_Sync.no_such_field", links(5), 1)
	if err == nil || !strings.Contains(err.Error(), "does not know the field") {
		t.Errorf("verify: %v", err)
	}
}

func TestFakeSaveLinksTimeLimitIsRetriedWhole(t *testing.T) {
	c, srv, w := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	srv.Inject(civicrmtest.TimeLimit(2).On("Contact", "save"))
	ls := links(5, 6, 7, 8, 9)
	res, err := c.SaveLinks(context.Background(), linkField, ls)
	if err != nil || res.Saved != 5 {
		t.Fatalf("SaveLinks = %+v, %v", res, err)
	}
	if len(w.all()) != 1 {
		t.Errorf("%d retries, want 1", len(w.all()))
	}
	writes := srv.Writes()
	if len(writes) != 2 || writes[0].Saved != 2 || writes[1].Saved != 5 {
		t.Errorf("writes = %+v", writes)
	}
	// Persistent: the error says the batch may be partly applied.
	srv.Inject(civicrmtest.TimeLimit(1).On("Contact", "save").Times(0))
	_, err = c.SaveLinks(context.Background(), linkField, ls)
	var e *civicrm.APIError
	if !errors.As(err, &e) || !e.Partial || !strings.Contains(err.Error(), "partly applied") {
		t.Errorf("persistent time limit: %v", err)
	}
}

func TestFakeGroups(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	ctx := context.Background()
	id, err := c.EnsureGroup(ctx, "civivote_test_voters", "CiviVote Test Voters")
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.EnsureGroup(ctx, "civivote_test_voters", "CiviVote Test Voters")
	if err != nil || again != id {
		t.Errorf("second EnsureGroup = %d, %v; want %d", again, err, id)
	}
	_, err = c.EnsureGroup(ctx, "civivote_other", "Union Voters")
	if err == nil || !strings.Contains(err.Error(), `already used by group 2 (name "union_voters")`) {
		t.Errorf("title clash: %v", err)
	}

	res, err := c.AddToGroup(ctx, id, []int64{5, 6, 999999, 7})
	if err != nil || res.Saved != 3 || len(res.Missing) != 1 {
		t.Fatalf("AddToGroup = %+v, %v", res, err)
	}
	if err := c.VerifyGroup(ctx, id, []int64{5, 6, 7}, true); err != nil {
		t.Error(err)
	}
	n, err := c.RemoveFromGroup(ctx, id, []int64{6, 7, 8})
	if err != nil || n != 2 {
		t.Errorf("RemoveFromGroup = %d, %v; want 2", n, err)
	}
	if err := c.VerifyGroup(ctx, id, []int64{6, 7}, false); err != nil {
		t.Error(err)
	}
	if err := c.VerifyGroup(ctx, id, []int64{5, 6}, true); err == nil {
		t.Error("VerifyGroup missed a removed contact")
	}
	want := map[int64]string{5: "Added", 6: "Removed", 7: "Removed"}
	if d := cmp.Diff(want, srv.GroupMembers(id)); d != "" {
		t.Errorf("group rows (-want +got):\n%s", d)
	}
	// Re-adding turns Removed back into Added.
	if _, err := c.AddToGroup(ctx, id, []int64{6}); err != nil {
		t.Fatal(err)
	}
	if got := srv.GroupMembers(id)[6]; got != "Added" {
		t.Errorf("contact 6 is %q after re-adding", got)
	}
}

func TestFakeRelationships(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	ctx := context.Background()
	day := func(s string) time.Time { d, _ := time.Parse(civicrm.DateLayout, s); return d }
	rel := civicrm.Relationship{ContactIDA: 7, ContactIDB: 4, Type: "Officer of", StartDate: day("2026-03-01"),
		EndDate: day("2028-02-29"), Active: true, Description: "Treasurer"}
	saved, err := c.SaveRelationships(ctx, []civicrm.Relationship{rel})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.SaveRelationships(ctx, []civicrm.Relationship{rel})
	if err != nil || again[0].ID != saved[0].ID {
		t.Errorf("re-save = %+v, %v; want the same id %d", again, err, saved[0].ID)
	}
	open := rel
	open.ContactIDA, open.EndDate = 8, time.Time{}
	if _, err := c.SaveRelationships(ctx, []civicrm.Relationship{open}); err != nil {
		t.Errorf("open-ended tenure: %v", err)
	}
	cur, err := c.CurrentRelationships(ctx, "Officer of", 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 2 || cur[0].ContactIDA != 7 || !cur[0].EndDate.Equal(rel.EndDate) || cur[0].Description != "Treasurer" ||
		!cur[1].EndDate.IsZero() {
		t.Errorf("current = %+v", cur)
	}

	before := len(srv.Writes())
	for _, bad := range []civicrm.Relationship{
		{ContactIDA: 9, ContactIDB: 4, Type: "Officer of", StartDate: day("2026-01-01"), EndDate: day("2025-12-31")},
		{ContactIDA: 9, ContactIDB: 4, Type: "Officer of"},
		{ContactIDA: 9, ContactIDB: 4, StartDate: day("2026-01-01")},
	} {
		if _, err := c.SaveRelationships(ctx, []civicrm.Relationship{bad}); err == nil {
			t.Errorf("invalid %+v was accepted", bad)
		}
	}
	if n := len(srv.Writes()); n != before {
		t.Errorf("invalid relationships reached CiviCRM (%d writes)", n-before)
	}

	// The organisation as contact A with other dates than the existing pair
	// is no duplicate (CiviCRM compares the dates the record sends, and an
	// open end only matches an open end), so the contact types decide: 34.
	rev := civicrm.Relationship{ContactIDA: 4, ContactIDB: 7, Type: "Officer of", StartDate: rel.StartDate}
	if _, err := c.SaveRelationships(ctx, []civicrm.Relationship{rev}); !errors.Is(err, civicrm.KindValidation) ||
		!strings.Contains(err.Error(), "Invalid Relationship") || strings.Contains(err.Error(), "partly applied") {
		t.Errorf("reverse pair with an open end: %v, want Invalid Relationship", err)
	}
}

// TestFakeRelationshipDuplicate saves an existing tenure the wrong way
// round with the same dates: CiviCRM answers a duplicate marker with a
// 200 and saves nothing (33), which the client reports as DuplicateOf.
func TestFakeRelationshipDuplicate(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	ctx := context.Background()
	day := func(s string) time.Time { d, _ := time.Parse(civicrm.DateLayout, s); return d }
	rel := civicrm.Relationship{ContactIDA: 7, ContactIDB: 4, Type: "Officer of", StartDate: day("2026-01-01"),
		EndDate: day("2026-12-31"), Active: true, Description: "Branch secretary"}
	saved, err := c.SaveRelationships(ctx, []civicrm.Relationship{rel})
	if err != nil {
		t.Fatal(err)
	}
	other := rel
	other.ContactIDA = 8
	rev := rel
	rev.ContactIDA, rev.ContactIDB = 4, 7
	out, err := c.SaveRelationships(ctx, []civicrm.Relationship{other, rev})
	if !errors.Is(err, civicrm.KindValidation) || !strings.Contains(err.Error(), "reverse direction") {
		t.Errorf("err = %v, want a validation error naming the reverse direction", err)
	}
	if len(out) != 2 || out[1].DuplicateOf != saved[0].ID || out[0].DuplicateOf != 0 || out[0].ID == 0 {
		t.Errorf("out = %+v, want record 2 a duplicate of %d and record 1 saved", out, saved[0].ID)
	}
	rels := srv.Relationships()
	if len(rels) != 2 || rels[1].ContactIDA != 8 {
		t.Errorf("stored %+v, want the first tenure and contact 8's only", rels)
	}
}
