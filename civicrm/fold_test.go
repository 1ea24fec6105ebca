package civicrm

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFoldMembership(t *testing.T) {
	older := Member{ContactID: 5, MembershipID: 1, Type: "Union Member", Status: "Grace", DisplayName: "A",
		EndDate: day(2026, 12, 31), Current: true, Memberships: 1}
	newer := Member{ContactID: 5, MembershipID: 9, Type: "Retired", Status: "Current", DisplayName: "A2",
		EndDate: day(2027, 6, 30), Current: true, Memberships: 1}
	lifetime := Member{ContactID: 5, MembershipID: 3, Type: "Lifetime", Status: "Current",
		Current: true, Memberships: 1}
	sameEndHigherID := older
	sameEndHigherID.MembershipID, sameEndHigherID.Type = 4, "Tie"
	lapsed := Member{ContactID: 5, MembershipID: 20, Type: "Old", Status: "Expired", EndDate: day(2028, 1, 1),
		Memberships: 1}

	for _, tc := range []struct {
		name string
		a, b Member
		want Member
	}{
		{"later end wins", older, newer, with(newer, true, 2)},
		{"no end date is latest", newer, lifetime, with(lifetime, true, 2)},
		{"tie goes to higher id", older, sameEndHigherID, with(sameEndHigherID, true, 2)},
		{"current if any current", lapsed, older, with(lapsed, true, 2)},
		{"zero is identity", Member{}, older, older},
	} {
		for _, order := range [][2]Member{{tc.a, tc.b}, {tc.b, tc.a}} {
			if d := cmp.Diff(tc.want, FoldMembership(order[0], order[1])); d != "" {
				t.Errorf("%s (-want +got):\n%s", tc.name, d)
			}
		}
	}
	// Associative: any grouping of three gives the same member.
	l := FoldMembership(FoldMembership(older, newer), lifetime)
	r := FoldMembership(older, FoldMembership(newer, lifetime))
	if d := cmp.Diff(l, r); d != "" || l.Memberships != 3 {
		t.Errorf("not associative (-left +right):\n%s", d)
	}
	defer func() {
		if recover() == nil {
			t.Error("folding two contacts did not panic")
		}
	}()
	FoldMembership(older, Member{ContactID: 6, Memberships: 1})
}

func with(m Member, current bool, n int) Member {
	m.Current, m.Memberships = current, n
	return m
}

func TestMemberOf(t *testing.T) {
	m := MemberOf(Membership{ID: 3, ContactID: 7, Email: "e", EndDate: day(2027, 1, 1)})
	if m.ContactID != 7 || m.MembershipID != 3 || !m.Current || m.Memberships != 1 || m.Email != "e" {
		t.Errorf("MemberOf = %+v", m)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2026-01-01":          day(2026, 1, 1),
		"20261231":            day(2026, 12, 31),
		"NULL":                {},
		"":                    {},
		"2026-11-23 07:55:59": day(2026, 11, 23),
		"19700101":            day(1970, 1, 1),
	} {
		got, err := parseDate(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"2026-13-45", "20260230", "2026/01/01", "null", "tomorrow", "2026-1-1"} {
		if _, err := parseDate(bad); err == nil {
			t.Errorf("parseDate(%q) accepted", bad)
		}
	}
}
