package civicrm

import (
	"fmt"
	"time"
)

// Member is one contact in good standing, folded from one or more of its
// memberships. The roster sync keeps one per contact.
type Member struct {
	ContactID   int64
	DisplayName string
	Email       string
	ExternalID  string
	// MembershipID, Type, Status and the dates come from the contact's
	// membership that runs longest: the latest end date, no end date
	// counting as latest, ties going to the higher membership id.
	MembershipID                 int64
	Type, Status                 string
	JoinDate, StartDate, EndDate time.Time
	// Current is true when any folded membership is current; every row
	// Memberships yields is.
	Current bool
	// Memberships counts the memberships folded in.
	Memberships int
}

// MemberOf turns one current membership row into a Member.
func MemberOf(m Membership) Member {
	return Member{
		ContactID: m.ContactID, DisplayName: m.DisplayName, Email: m.Email, ExternalID: m.ExternalID,
		MembershipID: m.ID, Type: m.Type, Status: m.Status,
		JoinDate: m.JoinDate, StartDate: m.StartDate, EndDate: m.EndDate,
		Current: true, Memberships: 1,
	}
}

// FoldMembership merges two views of the same contact, e.g. memberships
// met on different pages: keyset pages follow membership ids, so one
// contact's memberships can be anywhere in the pass. The fold is
// commutative and associative, and the zero Member is its identity, so
// m[id] = FoldMembership(m[id], MemberOf(row)) works in any order.
// Contact fields (name, email, external id) come from the winning
// membership's row as well, so they are from a single read.
// It panics if both are non-zero and belong to different contacts.
func FoldMembership(a, b Member) Member {
	switch {
	case a.ContactID == 0 && a.Memberships == 0:
		return b
	case b.ContactID == 0 && b.Memberships == 0:
		return a
	case a.ContactID != b.ContactID:
		panic(fmt.Sprintf("civicrm: FoldMembership of contacts %d and %d", a.ContactID, b.ContactID))
	}
	w := a
	if runsLonger(b, a) {
		w = b
	}
	w.Current = a.Current || b.Current
	w.Memberships = a.Memberships + b.Memberships
	return w
}

// runsLonger reports whether a's membership outlasts b's.
func runsLonger(a, b Member) bool {
	switch {
	case a.EndDate.Equal(b.EndDate):
		return a.MembershipID > b.MembershipID
	case a.EndDate.IsZero():
		return true
	case b.EndDate.IsZero():
		return false
	default:
		return a.EndDate.After(b.EndDate)
	}
}
