package roster

import (
	"encoding/binary"
	"strconv"
	"time"

	"github.com/cespare/xxhash/v2"
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

// hashMembership hashes every field a member keeps (xxhash64 of one record, each string
// preceded by its length so that moving a character between fields changes the hash). The
// hash is stored, so it must not change between releases without a reason.
func hashMembership(m Membership) uint64 {
	var a [256]byte
	b := a[:0]
	b = binary.LittleEndian.AppendUint64(b, uint64(m.ID))
	b = binary.LittleEndian.AppendUint64(b, uint64(m.ContactID))
	for _, s := range [...]string{m.DisplayName, m.Email, m.ExternalID, m.Type, m.Status} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, t := range [...]time.Time{m.JoinDate, m.StartDate, m.EndDate} {
		v := int64(-1 << 62)
		if !t.IsZero() {
			v = t.Unix()
		}
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	if h := xxhash.Sum64(b); h != 0 {
		return h
	}
	return 1
}
