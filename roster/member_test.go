package roster

import (
	"testing"
	"time"
)

func TestFoldPicksTheLongestMembershipInAnyOrder(t *testing.T) {
	d := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		v, _ := time.Parse(time.DateOnly, s)
		return v
	}
	ms := []Membership{
		{ID: 10, ContactID: 1, Status: "Current", EndDate: d("2027-01-01")},
		{ID: 11, ContactID: 1, Status: "Grace", EndDate: d("2026-11-01")},
		{ID: 12, ContactID: 1, Status: "Current", EndDate: d("")}, // lifetime
		{ID: 9, ContactID: 1, Status: "New", EndDate: d("2027-01-01")},
	}
	orders := [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}, {1, 3, 0, 2}}
	var first Member
	for n, order := range orders {
		var m Member
		for _, i := range order {
			m = Fold(m, MemberOf(ms[i]))
		}
		if m.MembershipID != 12 || m.Memberships != 4 {
			t.Errorf("order %v: winner %d of %d, want the lifetime membership 12 of 4", order, m.MembershipID, m.Memberships)
		}
		if n == 0 {
			first = m
		} else if m != first {
			t.Errorf("order %v folds to %+v, order %v to %+v", order, m, orders[0], first)
		}
	}
	// Ties on the end date go to the higher membership id.
	if w := Fold(MemberOf(ms[3]), MemberOf(ms[0])); w.MembershipID != 10 {
		t.Errorf("tie went to %d, want 10", w.MembershipID)
	}
	if MemberOf(ms[0]).Hash == MemberOf(Membership{ID: 10, ContactID: 1, Status: "Curren", Type: "t", EndDate: d("2027-01-01")}).Hash {
		t.Error("moving a character between fields kept the hash")
	}
}

func TestLapseReasons(t *testing.T) {
	for _, c := range []struct {
		st   ContactState
		want string
	}{
		{ContactState{Exists: true}, "not returned by sync run 7"},
		{ContactState{Exists: true, Deleted: true}, "trashed in CiviCRM"},
		{ContactState{Exists: true, Deleted: true, MergedInto: 42}, "merged into contact 42"},
		{ContactState{Exists: true, Deceased: true}, "deceased in CiviCRM"},
		{ContactState{}, "deleted in CiviCRM"},
	} {
		if got := c.st.LapseReason(7); got != c.want {
			t.Errorf("%+v: %q, want %q", c.st, got, c.want)
		}
	}
}

func TestCountTolerance(t *testing.T) {
	tol := CountTolerance{Absolute: 10, Percent: 0.5}
	for _, c := range []struct {
		got, want int
		ok        bool
	}{
		{1000, 1000, true}, {1000, 1015, true}, {1000, 1016, false}, {0, 5, true}, {0, 11, false},
		{100_000, 100_512, true}, {100_000, 100_513, false},
	} {
		if tol.allows(c.got, c.want) != c.ok {
			t.Errorf("allows(%d, %d) = %v", c.got, c.want, !c.ok)
		}
	}
}
