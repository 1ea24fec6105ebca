package civicrmtest

import (
	"strconv"
	"time"
)

// roster derives generated contacts and memberships from their index, so a
// million members cost a few words of memory. Memberships come in blocks
// of 50 held by 49 contacts: the last contact of each block holds two
// memberships, which is what a client must fold into one member.
type roster struct {
	seed      int64
	n         int // memberships
	nContacts int
	contact0  int64 // first contact id
	member0   int64 // first membership id
	typeName  string
	dates     map[string][3]string // status -> join, start, end
	union     bool                 // names, addresses and statuses as a union has them (WithUnion)
}

const (
	rosterBlock    = 50 // memberships per block
	rosterContacts = 49 // contacts per block
)

func newRoster(n int, seed int64, contact0, member0 int64, typeName string, today time.Time) *roster {
	full, rem := n/rosterBlock, n%rosterBlock
	day := func(y, m, d int) string { return today.AddDate(y, m, d).Format(time.DateOnly) }
	return &roster{
		seed: seed, n: n, nContacts: full*rosterContacts + rem,
		contact0: contact0, member0: member0, typeName: typeName,
		dates: map[string][3]string{
			"Current":   {day(-2, 0, 0), day(0, -6, 0), day(0, 6, 0)},
			"New":       {day(0, -1, 0), day(0, -1, 0), day(0, 11, 0)},
			"Grace":     {day(-3, 0, 0), day(-1, 0, -10), day(0, 0, -10)},
			"Expired":   {day(-4, 0, 0), day(-2, 0, 0), day(-1, 0, 0)},
			"Pending":   {day(0, 0, 0), day(0, 0, 0), day(1, 0, 0)},
			"Cancelled": {day(-3, 0, 0), day(-1, -3, 0), day(0, 3, 0)},
		},
	}
}

// mix is splitmix64: a cheap, well-spread hash of (seed, index).
func (r *roster) mix(kind uint64, i int) uint64 {
	z := uint64(r.seed) ^ kind*0x9e3779b97f4a7c15 ^ uint64(i)*0xbf58476d1ce4e5b9
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// rosterFirstNames are the first names of the recorded site's members.
func rosterFirstNames() [50]string {
	return [50]string{"Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy",
		"Karl", "Lena", "Mallory", "Niaj", "Olivia", "Peggy", "Quentin", "Rupert", "Sybil", "Trent",
		"Uma", "Victor", "Wendy", "Xavier", "Yara", "Zoe", "Amir", "Bea", "Chen", "Dara",
		"Eli", "Fatima", "Gus", "Hana", "Ian", "Jon", "Kemi", "Luis", "Mei", "Nils",
		"Omar", "Priya", "Raj", "Sara", "Tomas", "Ulla", "Vik", "Wim", "Xia", "Yusuf"}
}

// contact derives generated contact id.
func (r *roster) contact(id int64) (Contact, bool) {
	var c Contact
	ok := r.contactInto(id, &c)
	return c, ok
}

// contactInto derives generated contact id into c, sparing the paging
// loop a copy of the struct.
func (r *roster) contactInto(id int64, c *Contact) bool {
	ci := int(id - r.contact0)
	if id < r.contact0 || ci >= r.nContacts {
		return false
	}
	h := r.mix(1, ci)
	if r.union {
		r.unionContact(id, ci, h, c)
		return true
	}
	first := rosterFirstNames()[h%50]
	// One allocation per row: display name, external id and email are
	// slices of a single string.
	var a [128]byte
	b := append(a[:0], first...)
	b = append(b, " Bulk"...)
	b = strconv.AppendInt(b, int64(ci+1), 10)
	nameEnd := len(b)
	b = append(b, "G-"...)
	b = strconv.AppendInt(b, int64(ci+1), 10)
	extEnd := len(b)
	// About 5% have no email, 0.4% are trashed and 0.4% deceased.
	hasEmail := (h>>8)%100 >= 5
	if hasEmail {
		for i := 0; i < len(first); i++ {
			b = append(b, first[i]|0x20) // ASCII names: set the lower-case bit
		}
		b = append(b, ".bulk"...)
		b = strconv.AppendInt(b, int64(ci+1), 10)
		b = append(b, "@example.org"...)
	}
	all := string(b)
	*c = Contact{
		ID: id, ContactType: "Individual",
		FirstName: first, LastName: all[len(first)+1 : nameEnd],
		ExternalID: all[nameEnd:extEnd],
		display:    all[:nameEnd],
	}
	if hasEmail {
		c.Email = all[extEnd:]
	}
	c.IsDeleted = (h>>16)%1000 < 4
	c.IsDeceased = (h>>26)%1000 < 4
	return true
}

// membership derives generated membership id.
func (r *roster) membership(id int64) (Membership, bool) {
	mi := int(id - r.member0)
	if id < r.member0 || mi >= r.n {
		return Membership{}, false
	}
	block, p := mi/rosterBlock, mi%rosterBlock
	ci := block*rosterContacts + min(p, rosterContacts-1)
	status := r.status(mi)
	d := r.dates[status]
	return Membership{
		ID: id, ContactID: r.contact0 + int64(ci), Type: r.typeName, Status: status,
		JoinDate: d[0], StartDate: d[1], EndDate: d[2],
	}, true
}

// status gives 70% Current, 8% New, 7% Grace (all current), 8% Expired,
// 4% Pending and 3% Cancelled.
func (r *roster) status(mi int) string {
	switch v := r.mix(2, mi) % 100; {
	case v < 70:
		return "Current"
	case v < 78:
		return "New"
	case v < 85:
		return "Grace"
	case v < 93:
		return "Expired"
	case v < 97:
		return "Pending"
	case r.union && v == 99:
		return "Deceased"
	default:
		return "Cancelled"
	}
}

// membershipsOf lists generated membership ids held by contact id.
func (r *roster) membershipsOf(id int64) []int64 {
	ci := int(id - r.contact0)
	if id < r.contact0 || ci >= r.nContacts {
		return nil
	}
	block, p := ci/rosterContacts, ci%rosterContacts
	mi := block*rosterBlock + p
	ids := []int64{r.member0 + int64(mi)}
	if p == rosterContacts-1 && mi+1 < r.n {
		ids = append(ids, r.member0+int64(mi+1))
	}
	return ids
}
