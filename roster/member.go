package roster

import (
	"strconv"
	"time"
)

// Membership is one current membership as CiviCRM returns it.
type Membership struct {
	ID          int64 // membership id
	ContactID   int64
	DisplayName string
	Email       string // primary email, "" if none
	ExternalID  string
	Type        string
	Status      string
	// Dates are midnight UTC; the zero time means none (a lifetime membership has no end).
	JoinDate, StartDate, EndDate time.Time
}

// ContactState is what CiviCRM says about a contact that the last complete run no longer
// returned, so its lapse can carry the reason.
type ContactState struct {
	Exists     bool  // false: deleted for good
	Deleted    bool  // in the trash
	Deceased   bool  //
	MergedInto int64 // surviving contact of a merge, 0 if none or unknown
}

// LapseReason explains, in words a membership admin understands, why a contact that the
// run did not return lapses.
func (s ContactState) LapseReason(runID int64) string {
	switch {
	case s.MergedInto != 0:
		return "merged into contact " + strconv.FormatInt(s.MergedInto, 10)
	case !s.Exists:
		return "deleted in CiviCRM"
	case s.Deleted:
		return "trashed in CiviCRM"
	case s.Deceased:
		return "deceased in CiviCRM"
	default:
		return "not returned by sync run " + strconv.FormatInt(runID, 10)
	}
}

// Member is one contact folded from its current memberships: the membership that runs
// longest (latest end date, no end date latest, ties to the higher membership id) gives
// every field, so a member's fields always come from one read.
type Member struct {
	ContactID    int64
	MembershipID int64
	DisplayName  string
	Email        string
	ExternalID   string
	Type         string
	Status       string
	JoinDate     time.Time
	StartDate    time.Time
	EndDate      time.Time
	// Memberships counts the memberships folded in.
	Memberships int
	// Hash is the XOR of the folded memberships' content hashes (each includes the
	// membership id, so none cancels another); with Memberships it tells an unchanged
	// member from a changed one without reading it back, whatever order pages came in.
	Hash uint64
}

// MemberOf is the member one membership row makes on its own.
func MemberOf(m Membership) Member {
	return Member{
		ContactID: m.ContactID, MembershipID: m.ID, DisplayName: m.DisplayName, Email: m.Email,
		ExternalID: m.ExternalID, Type: m.Type, Status: m.Status,
		JoinDate: m.JoinDate, StartDate: m.StartDate, EndDate: m.EndDate,
		Memberships: 1, Hash: hashMembership(m),
	}
}

// noEndDays stands for "no end date" in FoldKey: later than any real date.
const noEndDays = 1<<20 - 1

// FoldKey orders a contact's memberships for the fold: the higher key wins. It packs the
// end date (days since 1970, none as the largest) above the membership id, so a store can
// fold in SQL with GREATEST and one comparison.
func (m Member) FoldKey() int64 {
	days := int64(noEndDays)
	if !m.EndDate.IsZero() {
		days = min(max(m.EndDate.Unix()/86400, 0), noEndDays-1)
	}
	return days<<40 | (m.MembershipID & (1<<40 - 1))
}

// Fold merges two views of one contact; it is commutative and associative.
func Fold(a, b Member) Member {
	if a.Memberships == 0 {
		return b
	}
	if b.Memberships == 0 {
		return a
	}
	w := a
	if b.FoldKey() > a.FoldKey() {
		w = b
	}
	w.Memberships = a.Memberships + b.Memberships
	w.Hash = a.Hash ^ b.Hash
	return w
}

// hashMembership is FNV-1a over every field a member keeps, each string preceded by its
// length so that moving a character between fields changes the hash. Written out rather
// than through hash/fnv: the interface would allocate for every string of every row.
func hashMembership(m Membership) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	num := func(v int64) {
		for range 8 {
			h ^= uint64(v) & 0xff
			h *= prime
			v >>= 8
		}
	}
	str := func(s string) {
		num(int64(len(s)))
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= prime
		}
	}
	day := func(t time.Time) {
		if t.IsZero() {
			num(-1 << 62)
			return
		}
		num(t.Unix())
	}
	num(m.ID)
	num(m.ContactID)
	str(m.DisplayName)
	str(m.Email)
	str(m.ExternalID)
	str(m.Type)
	str(m.Status)
	day(m.JoinDate)
	day(m.StartDate)
	day(m.EndDate)
	if h == 0 {
		return 1
	}
	return h
}
