package civicrmtest

import "testing"

// TestUnionRosterHasEveryStatusAndItsMembers checks the generated union the demo shows:
// every membership status, contacts holding two memberships, members without email or
// with a held one, and the same union from the same seed.
func TestUnionRosterHasEveryStatusAndItsMembers(t *testing.T) {
	s := New(WithTranscriptSite(), WithUnion(3000, 7))
	statuses := map[string]int{}
	two, noEmail, held := 0, 0, 0
	lo, hi := s.st.contactRange()
	for id := lo; id < hi; id++ {
		ms := s.MembershipsOf(id)
		if len(ms) == 2 {
			two++
		}
		for _, m := range ms {
			statuses[m.Status]++
		}
		c, _ := s.Contact(id)
		switch {
		case c.Email == "":
			noEmail++
		case c.EmailOnHold > 0:
			held++
		}
	}
	for _, st := range shippedStatuses() {
		if statuses[st.name] == 0 {
			t.Errorf("no membership with status %s: %v", st.name, statuses)
		}
	}
	if two < 50 || noEmail < 100 || held < 20 {
		t.Errorf("%d contacts with two memberships, %d without email, %d with a held email: want some of each", two, noEmail, held)
	}
	again := New(WithTranscriptSite(), WithUnion(3000, 7))
	a, _ := s.Contact(lo + 17)
	b, _ := again.Contact(lo + 17)
	if a.DisplayName() != b.DisplayName() || a.Email != b.Email {
		t.Errorf("same seed, different contact: %+v vs %+v", a, b)
	}
}
