package civicrmtest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

func TestRosterIsDeterministic(t *testing.T) {
	a := civicrmtest.New(civicrmtest.WithRoster(1000, 7), fixedClock())
	b := civicrmtest.New(civicrmtest.WithRoster(1000, 7), fixedClock())
	c := civicrmtest.New(civicrmtest.WithRoster(1000, 8), fixedClock())
	differ := 0
	for id := int64(4); id < 900; id++ {
		ca, _ := a.Contact(id)
		cb, _ := b.Contact(id)
		cc, _ := c.Contact(id)
		if ca.DisplayName() != cb.DisplayName() || ca.Email != cb.Email || ca.IsDeleted != cb.IsDeleted {
			t.Fatalf("contact %d differs between two rosters with seed 7: %+v vs %+v", id, ca, cb)
		}
		if ca.DisplayName() != cc.DisplayName() {
			differ++
		}
	}
	if differ == 0 {
		t.Error("seeds 7 and 8 generated the same names")
	}
}

// TestRosterKeysetPaging pages a generated roster the way the client
// does and checks the mix the client must cope with.
func TestRosterKeysetPaging(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithRoster(10_000, 3), fixedClock())
	members := map[int64]int{}
	noEmail, rows := 0, 0
	var after int64
	for {
		p := doCall(t, s, "Membership", "get", memberPage(after, 700)).mustOK(t)
		for _, v := range p.Values {
			members[num(v["contact_id"])]++
			if v["contact_id.email_primary.email"] == nil {
				noEmail++
			}
			after = num(v["id"])
		}
		rows += len(p.Values)
		if p.CountFetched < 700 {
			break
		}
	}
	if got, want := len(members), s.CurrentMembers(); got != want {
		t.Errorf("paging found %d current members, CurrentMembers says %d", got, want)
	}
	twice := 0
	for _, n := range members {
		if n > 1 {
			twice++
		}
	}
	if twice == 0 || noEmail == 0 || rows == len(members) {
		t.Errorf("%d contacts with two current memberships, %d rows without email; want some of each", twice, noEmail)
	}
	if len(members) < 7000 || len(members) > 9000 {
		t.Errorf("%d current members of 10,000 memberships; want about 85%%", len(members))
	}
	p := doCall(t, s, "Membership", "get", `{"select":["status_id:name","COUNT(id) AS n"],"groupBy":["status_id"],"orderBy":{"status_id":"ASC"}}`).mustOK(t)
	if len(p.Values) != 6 {
		t.Errorf("statuses %v; want all six non-admin statuses", p.Values)
	}
}

func TestWritesToGeneratedContactsStick(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), civicrmtest.WithRoster(1000, 1))
	doCall(t, s, "Contact", "save", `{"records":[{"id":500,"Union_Sync.voting_link":"https://v/500"}]}`).mustOK(t)
	p := doCall(t, s, "Contact", "get", `{"select":["id","display_name","Union_Sync.voting_link"],"where":[["id","=",500]]}`).mustOK(t)
	if len(p.Values) != 1 || p.Values[0]["Union_Sync.voting_link"] != "https://v/500" || !strings.Contains(fmt.Sprint(p.Values[0]["display_name"]), "Bulk") {
		t.Errorf("contact 500 reads back %v", p.Values)
	}
	if v, _ := s.CustomValue(500, "Union_Sync.voting_link"); v != "https://v/500" {
		t.Errorf("CustomValue = %q", v)
	}
}

func TestMembershipChangesShowInGets(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), fixedClock())
	current := func() int {
		p := doCall(t, s, "Membership", "get", `{"select":["row_count"],"where":[["status_id.is_current_member","=",true],["contact_id.is_deleted","=",false],["contact_id.is_deceased","=",false]]}`).mustOK(t)
		return *p.CountMatched
	}
	if got := current(); got != 30 {
		t.Fatalf("current members %d, want 30", got)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.TrashContact(5))
	must(s.MarkDeceased(6))
	must(s.SetMembershipStatus(3, "Expired"))
	if got := current(); got != 27 {
		t.Errorf("after trash, deceased, expiry: %d, want 27", got)
	}
	must(s.RestoreContact(5))
	id := s.AddContact(civicrmtest.Contact{FirstName: "New", LastName: "Person", Email: "new@example.org"})
	if _, err := s.AddMembership(civicrmtest.Membership{ContactID: id, Status: "New", StartDate: "2026-11-01"}); err != nil {
		t.Fatal(err)
	}
	if got := current(); got != 29 {
		t.Errorf("after restore and a new member: %d, want 29", got)
	}
	must(s.MergeContacts(7, 8))
	if ms := s.MembershipsOf(7); len(ms) != 2 {
		t.Errorf("contact 7 holds %d memberships after the merge, want 2", len(ms))
	}
	if c, _ := s.Contact(8); !c.IsDeleted {
		t.Error("merged duplicate 8 is not in the trash")
	}
	if _, err := s.AddMembership(civicrmtest.Membership{ContactID: 999999, Status: "New"}); err == nil {
		t.Error("AddMembership for a missing contact: no error")
	}
}
