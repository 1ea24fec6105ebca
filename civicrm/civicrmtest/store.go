package civicrmtest

import (
	"slices"
	"sort"
	"sync"
)

// store is the fake site's database. Explicit rows live in maps with their
// ids in ascending order; a generated roster adds a contiguous id range
// whose rows are derived on demand, and writes to generated rows are kept
// as overlay entries in the same maps.
type store struct {
	mu sync.RWMutex

	contacts     map[int64]*Contact
	contactOrder []int64 // explicit (non-generated) ids, ascending
	nextContact  int64

	members     map[int64]*Membership
	memberOrder []int64
	nextMember  int64

	roster *roster

	groups    []*Group
	nextGroup int64

	groupContacts map[int64]*GroupContact
	gcOrder       []int64
	gcByPair      map[[2]int64]int64
	nextGC        int64

	relTypes    []*RelationshipType
	nextRelType int64

	rels     map[int64]*Relationship
	relOrder []int64
	nextRel  int64

	// mergedTo records each merge as the "Contact Merged" activity does:
	// duplicate id -> the contact it was merged into. It outlives purging
	// the duplicate, as that activity's source_record_id does.
	mergedTo map[int64]int64

	// addresses holds primary addresses set with SetAddress, by contact
	// id; a union roster derives the others.
	addresses map[int64]*Address

	custom      []customField
	memberTypes []string // membership type names; id = index+1
	statuses    [7]membershipStatus
}

// status finds a membership status by name without allocating.
func (st *store) status(name string) *membershipStatus {
	for i := range st.statuses {
		if st.statuses[i].name == name {
			return &st.statuses[i]
		}
	}
	return nil
}

func newStore() *store {
	return &store{
		contacts:      map[int64]*Contact{},
		nextContact:   1,
		members:       map[int64]*Membership{},
		nextMember:    1,
		nextGroup:     1,
		groupContacts: map[int64]*GroupContact{},
		gcByPair:      map[[2]int64]int64{},
		nextGC:        1,
		nextRelType:   1,
		rels:          map[int64]*Relationship{},
		nextRel:       1,
		mergedTo:      map[int64]int64{},
		addresses:     map[int64]*Address{},
		statuses:      shippedStatuses(),
	}
}

// scanMerged walks explicit ids and a generated range [genLo, genHi) in
// ascending order from lo, calling visit until it returns false.
func scanMerged(order []int64, genLo, genHi, lo int64, visit func(id int64, generated bool) bool) {
	i := sort.Search(len(order), func(i int) bool { return order[i] >= lo })
	for ; i < len(order) && order[i] < genLo; i++ {
		if !visit(order[i], false) {
			return
		}
	}
	for id := max(lo, genLo); id < genHi; id++ {
		if !visit(id, true) {
			return
		}
	}
	for ; i < len(order); i++ {
		if order[i] >= genHi && !visit(order[i], false) {
			return
		}
	}
}

func (st *store) contactRange() (int64, int64) {
	if st.roster == nil {
		return 0, 0
	}
	return st.roster.contact0, st.roster.contact0 + int64(st.roster.nContacts)
}

func (st *store) memberRange() (int64, int64) {
	if st.roster == nil {
		return 0, 0
	}
	return st.roster.member0, st.roster.member0 + int64(st.roster.n)
}

// contact returns a copy of contact id, generated or explicit.
func (st *store) contact(id int64) (Contact, bool) {
	if c, ok := st.contacts[id]; ok {
		return *c, true
	}
	if st.roster != nil {
		return st.roster.contact(id)
	}
	return Contact{}, false
}

// contactInto is contact without the copy, for the paging loop.
func (st *store) contactInto(id int64, dst *Contact) bool {
	if c, ok := st.contacts[id]; ok {
		*dst = *c
		return true
	}
	return st.roster != nil && st.roster.contactInto(id, dst)
}

// mutableContact returns the stored contact, copying a generated one into
// the overlay first so that writes stick.
func (st *store) mutableContact(id int64) (*Contact, bool) {
	if c, ok := st.contacts[id]; ok {
		return c, true
	}
	if st.roster == nil {
		return nil, false
	}
	c, ok := st.roster.contact(id)
	if !ok {
		return nil, false
	}
	st.contacts[id] = &c
	return &c, true
}

// scanContacts calls fn for every contact with id >= lo in id order. The
// pointer is only valid during the call.
func (st *store) scanContacts(lo int64, fn func(c *Contact) bool) {
	lo0, hi0 := st.contactRange()
	var scratch Contact
	scanMerged(st.contactOrder, lo0, hi0, lo, func(id int64, gen bool) bool {
		if c, ok := st.contacts[id]; ok {
			return fn(c)
		}
		if !gen {
			return true
		}
		scratch, _ = st.roster.contact(id)
		return fn(&scratch)
	})
}

func (st *store) addContact(c Contact) int64 {
	if c.ContactType == "" {
		c.ContactType = "Individual"
	}
	c.ID = st.nextContact
	st.nextContact++
	st.contacts[c.ID] = &c
	st.contactOrder = append(st.contactOrder, c.ID)
	return c.ID
}

func (st *store) membership(id int64) (Membership, bool) {
	if m, ok := st.members[id]; ok {
		return *m, true
	}
	if st.roster != nil {
		return st.roster.membership(id)
	}
	return Membership{}, false
}

func (st *store) mutableMembership(id int64) (*Membership, bool) {
	if m, ok := st.members[id]; ok {
		return m, true
	}
	if st.roster == nil {
		return nil, false
	}
	m, ok := st.roster.membership(id)
	if !ok {
		return nil, false
	}
	st.members[id] = &m
	return &m, true
}

// scanMemberships calls fn for every membership with id >= lo in id order.
func (st *store) scanMemberships(lo int64, fn func(m *Membership) bool) {
	lo0, hi0 := st.memberRange()
	var scratch Membership
	scanMerged(st.memberOrder, lo0, hi0, lo, func(id int64, gen bool) bool {
		if m, ok := st.members[id]; ok {
			return fn(m)
		}
		if !gen {
			return true
		}
		scratch, _ = st.roster.membership(id)
		return fn(&scratch)
	})
}

func (st *store) addMembership(m Membership) int64 {
	m.ID = st.nextMember
	st.nextMember++
	st.members[m.ID] = &m
	st.memberOrder = append(st.memberOrder, m.ID)
	return m.ID
}

// membershipsOf lists the ids of contact id's memberships.
func (st *store) membershipsOf(contactID int64) []int64 {
	var ids []int64
	for _, id := range st.memberOrder {
		if st.members[id].ContactID == contactID {
			ids = append(ids, id)
		}
	}
	if st.roster != nil {
		for _, id := range st.roster.membershipsOf(contactID) {
			if m, ok := st.members[id]; !ok || m.ContactID == contactID {
				ids = append(ids, id)
			}
		}
		// Overlay rows of generated memberships moved to this contact.
		lo, hi := st.memberRange()
		for id, m := range st.members {
			if id >= lo && id < hi && m.ContactID == contactID && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

func (st *store) membershipTypeID(name string) int64 {
	for i, n := range st.memberTypes {
		if n == name {
			return int64(i + 1)
		}
	}
	return 0
}

func (st *store) groupByID(id int64) *Group {
	for _, g := range st.groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (st *store) relTypeByID(id int64) *RelationshipType {
	for _, t := range st.relTypes {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func (st *store) addGroupContact(gc GroupContact) *GroupContact {
	gc.ID = st.nextGC
	st.nextGC++
	p := &gc
	st.groupContacts[gc.ID] = p
	st.gcOrder = append(st.gcOrder, gc.ID)
	st.gcByPair[[2]int64{gc.GroupID, gc.ContactID}] = gc.ID
	return p
}

func (st *store) deleteGroupContact(id int64) {
	gc, ok := st.groupContacts[id]
	if !ok {
		return
	}
	delete(st.gcByPair, [2]int64{gc.GroupID, gc.ContactID})
	delete(st.groupContacts, id)
	i := sort.Search(len(st.gcOrder), func(i int) bool { return st.gcOrder[i] >= id })
	st.gcOrder = slices.Delete(st.gcOrder, i, i+1)
}

func (st *store) addRelationship(r Relationship) *Relationship {
	r.ID = st.nextRel
	st.nextRel++
	p := &r
	st.rels[r.ID] = p
	st.relOrder = append(st.relOrder, r.ID)
	return p
}
