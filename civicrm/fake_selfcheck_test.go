package civicrm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
)

func TestFakeSelfCheckHealthySite(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	rep, err := c.SelfCheck(context.Background(), civicrm.SelfCheckOptions{
		LinkField: linkField, OrgContactID: 4, RelationshipType: "Officer of", CheckWrites: true,
		Groups: []civicrm.GroupSpec{{Name: "civivote_voters_x", Title: "Voters X"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.LinkToken != "{contact.custom_1}" || rep.LinkFieldID != 1 || rep.OrgName != "Test Union" ||
		rep.RelationshipTypeID != 11 || rep.RelationshipTypeCreated || rep.CurrentMembers != 30 ||
		rep.GroupIDs["civivote_voters_x"] == 0 {
		t.Errorf("report = %+v", rep)
	}
	if n := len(srv.Writes()); n != 3 { // the two no-op permission probes and the group
		t.Errorf("%d writes, want 3", n)
	}
}

func TestFakeSelfCheckListsEveryProblem(t *testing.T) {
	c, _, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	rep, err := c.SelfCheck(context.Background(), civicrm.SelfCheckOptions{
		LinkField: "Union_Sync.voting_url", OrgContactID: 5, RelationshipType: "Steward of",
	})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`"Union_Sync.voting_url" does not exist; custom group "Union_Sync" has: Union_Sync.voting_link, Union_Sync.voting_code`,
		"contact 5 (Alice Member001) is an Individual, not an Organization",
		`relationship type "Steward of" does not exist`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if len(rep.Problems) != 3 {
		t.Errorf("%d problems, want 3: %q", len(rep.Problems), rep.Problems)
	}
}

func TestFakeSelfCheckCreatesRelationshipType(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	o := civicrm.SelfCheckOptions{RelationshipType: "Steward of", CreateRelationshipType: true}
	rep, err := c.SelfCheck(context.Background(), o)
	if err != nil || !rep.RelationshipTypeCreated || rep.RelationshipTypeID == 0 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	again, err := c.SelfCheck(context.Background(), o)
	if err != nil || again.RelationshipTypeCreated || again.RelationshipTypeID != rep.RelationshipTypeID {
		t.Errorf("second check: %+v, %v", again, err)
	}
	var found bool
	for _, rt := range srv.RelationshipTypes() {
		if rt.NameAB == "Steward of" {
			found = rt.NameBA == "Has steward" && rt.ContactTypeA == "Individual" && rt.ContactTypeB == "Organization"
		}
	}
	if !found {
		t.Errorf("type not created as expected: %+v", srv.RelationshipTypes())
	}
}

func TestFakeSelfCheckKeyAndPermissions(t *testing.T) {
	c, _, _ := newFake(t, "wrong", nil, civicrmtest.WithTranscriptSite())
	rep, err := c.SelfCheck(context.Background(), civicrm.SelfCheckOptions{LinkField: linkField, OrgContactID: 4})
	if err == nil || len(rep.Problems) != 1 || !strings.Contains(err.Error(), "CIVIVOTE_CIVICRM_API_KEY") {
		t.Errorf("bad key: %q, %v", rep.Problems, err)
	}
	c, _, _ = newFake(t, civicrmtest.LimitedKey, nil, civicrmtest.WithTranscriptSite())
	_, err = c.SelfCheck(context.Background(), civicrm.SelfCheckOptions{CheckWrites: true})
	for _, want := range []string{"reading memberships (most likely the permission 'access CiviMember' is missing)",
		"may write contacts (most likely the permission 'edit all contacts' is missing)",
		"may change group members"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("limited key: error does not say %q: %v", want, err)
		}
	}
}

func TestFakeContactStates(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	for _, f := range []func() error{
		func() error { return srv.TrashContact(6) },
		func() error { return srv.MarkDeceased(7) },
		func() error { return srv.MergeContacts(5, 8) },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.ContactStates(context.Background(), []int64{5, 6, 7, 8, 999999, 6})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]civicrm.ContactState{
		5:      {ID: 5, Exists: true},
		6:      {ID: 6, Exists: true, Deleted: true},
		7:      {ID: 7, Exists: true, Deceased: true},
		999999: {ID: 999999},
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("contact %d: %+v, want %+v", id, got[id], w)
		}
	}
	// A merged contact is trashed and Contact.getMergedTo names the one
	// that survived it.
	if s, w := got[8], (civicrm.ContactState{ID: 8, Exists: true, Deleted: true, MergedInto: 5}); s != w {
		t.Errorf("merged contact 8: %+v, want %+v", s, w)
	}
	if n := srv.Calls("Contact", "getMergedTo"); n != 3 {
		t.Errorf("%d getMergedTo calls, want 3 (trashed 6, merged 8, gone 999999)", n)
	}
}
