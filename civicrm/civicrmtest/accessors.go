package civicrmtest

import (
	"fmt"
	"slices"
)

// AddContact stores c with the next contact id and returns that id.
// ContactType defaults to "Individual".
func (s *Server) AddContact(c Contact) int64 {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c.ID = 0
	if c.Custom != nil {
		c.Custom = cloneMap(c.Custom)
	}
	return s.st.addContact(c)
}

// AddMembership stores m with the next membership id and returns it.
// Status must be a shipped status name (New, Current, Grace, Expired,
// Pending, Cancelled, Deceased); Type defaults to "Union Member" and is
// created if the site does not have it yet.
func (s *Server) AddMembership(m Membership) (int64, error) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if _, ok := s.st.contact(m.ContactID); !ok {
		return 0, fmt.Errorf("civicrmtest: add membership: contact %d does not exist; add it with AddContact first", m.ContactID)
	}
	if _, ok := statusByName(m.Status); !ok {
		return 0, fmt.Errorf("civicrmtest: add membership: unknown status %q; use New, Current, Grace, Expired, Pending, Cancelled or Deceased", m.Status)
	}
	if m.Type == "" {
		m.Type = "Union Member"
	}
	if s.st.membershipTypeID(m.Type) == 0 {
		s.st.memberTypes = append(s.st.memberTypes, m.Type)
	}
	return s.st.addMembership(m), nil
}

// editContact applies fn to contact id under the write lock.
func (s *Server) editContact(op string, id int64, fn func(c *Contact)) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c, ok := s.st.mutableContact(id)
	if !ok {
		return fmt.Errorf("civicrmtest: %s: contact %d does not exist", op, id)
	}
	fn(c)
	return nil
}

// AddEmail gives contact id an email; it becomes the primary email if
// primary is set or the contact had none.
func (s *Server) AddEmail(contactID int64, email string, primary bool) error {
	return s.editContact("add email", contactID, func(c *Contact) {
		if primary || c.Email == "" {
			c.Email = email
		}
	})
}

// TrashContact moves a contact to the trash (is_deleted = 1). Its
// memberships stay visible to Membership.get, as on a real site (75).
func (s *Server) TrashContact(id int64) error {
	return s.editContact("trash contact", id, func(c *Contact) { c.IsDeleted = true })
}

// RestoreContact takes a contact out of the trash.
func (s *Server) RestoreContact(id int64) error {
	return s.editContact("restore contact", id, func(c *Contact) { c.IsDeleted = false })
}

// MarkDeceased sets is_deceased. Membership statuses do not change until
// CiviCRM's daily status job runs; use SetMembershipStatus for that.
func (s *Server) MarkDeceased(id int64) error {
	return s.editContact("mark deceased", id, func(c *Contact) { c.IsDeceased = true })
}

// SetCustomValue writes a custom field ("Union_Sync.voting_link") of a
// contact directly, bypassing the API.
func (s *Server) SetCustomValue(contactID int64, key, value string) error {
	return s.editContact("set custom value", contactID, func(c *Contact) {
		c.Custom = cloneMap(c.Custom)
		c.Custom[key] = value
	})
}

// MergeContacts merges dup into keep as CiviCRM's dedupe does: dup's
// memberships move to keep, dup goes to the trash and the merge is
// recorded for Contact.getMergedTo.
func (s *Server) MergeContacts(keep, dup int64) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if _, ok := s.st.contact(keep); !ok {
		return fmt.Errorf("civicrmtest: merge contacts: contact %d (to keep) does not exist", keep)
	}
	d, ok := s.st.mutableContact(dup)
	if !ok {
		return fmt.Errorf("civicrmtest: merge contacts: contact %d (duplicate) does not exist", dup)
	}
	for _, id := range s.st.membershipsOf(dup) {
		m, _ := s.st.mutableMembership(id)
		m.ContactID = keep
	}
	d.IsDeleted = true
	s.st.mergedTo[dup] = keep
	return nil
}

// SetMembershipStatus changes a membership's status by name.
func (s *Server) SetMembershipStatus(id int64, status string) error {
	if _, ok := statusByName(status); !ok {
		return fmt.Errorf("civicrmtest: set membership status: unknown status %q", status)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	m, ok := s.st.mutableMembership(id)
	if !ok {
		return fmt.Errorf("civicrmtest: set membership status: membership %d does not exist", id)
	}
	m.Status = status
	return nil
}

// AddRelationship stores r with the next relationship id, bypassing the
// API's checks, and returns the id.
func (s *Server) AddRelationship(r Relationship) int64 {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	stamp := s.now().Format("2006-01-02 15:04:05")
	if r.Created == "" {
		r.Created, r.Modified = stamp, stamp
	}
	return s.st.addRelationship(r).ID
}

// Contact returns contact id as stored (generated contacts included).
func (s *Server) Contact(id int64) (Contact, bool) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	c, ok := s.st.contact(id)
	c.Custom = cloneMap(c.Custom)
	return c, ok
}

// Membership returns membership id as stored.
func (s *Server) Membership(id int64) (Membership, bool) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	return s.st.membership(id)
}

// MembershipsOf lists the memberships of a contact.
func (s *Server) MembershipsOf(contactID int64) []Membership {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	var out []Membership
	for _, id := range s.st.membershipsOf(contactID) {
		m, _ := s.st.membership(id)
		out = append(out, m)
	}
	return out
}

// CustomValue returns a contact's custom field value ("Union_Sync.voting_link");
// ok is false when the value is NULL or the contact does not exist.
func (s *Server) CustomValue(contactID int64, key string) (string, bool) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	c, ok := s.st.contact(contactID)
	if !ok {
		return "", false
	}
	v, ok := c.Custom[key]
	return v, ok
}

// Groups returns every group.
func (s *Server) Groups() []Group {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	out := make([]Group, len(s.st.groups))
	for i, g := range s.st.groups {
		out[i] = *g
		out[i].GroupType = slices.Clone(g.GroupType)
	}
	return out
}

// GroupByName finds a group by its machine name.
func (s *Server) GroupByName(name string) (Group, bool) {
	for _, g := range s.Groups() {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// GroupMembers maps each contact with a row in group id to its status
// ("Added", "Removed", …).
func (s *Server) GroupMembers(groupID int64) map[int64]string {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	out := map[int64]string{}
	for _, id := range s.st.gcOrder {
		if gc := s.st.groupContacts[id]; gc.GroupID == groupID {
			out[gc.ContactID] = gc.Status
		}
	}
	return out
}

// Relationships returns every relationship in id order.
func (s *Server) Relationships() []Relationship {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	out := make([]Relationship, 0, len(s.st.relOrder))
	for _, id := range s.st.relOrder {
		out = append(out, *s.st.rels[id])
	}
	return out
}

// RelationshipTypes returns every relationship type in id order.
func (s *Server) RelationshipTypes() []RelationshipType {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	out := make([]RelationshipType, len(s.st.relTypes))
	for i, t := range s.st.relTypes {
		out[i] = *t
	}
	return out
}

// CurrentMembers counts the contacts a correct sync must find: those with
// at least one membership whose status is current, that are neither in
// the trash nor deceased.
func (s *Server) CurrentMembers() int {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	seen := map[int64]bool{}
	s.st.scanMemberships(0, func(m *Membership) bool {
		st := s.st.status(m.Status)
		if st == nil || !st.isCurrent || seen[m.ContactID] {
			return true
		}
		if c, ok := s.st.contact(m.ContactID); ok && !c.IsDeleted && !c.IsDeceased {
			seen[m.ContactID] = true
		}
		return true
	})
	return len(seen)
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// DeleteRelationship removes a relationship, as an administrator deleting
// it in the UI would.
func (s *Server) DeleteRelationship(id int64) error {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if _, ok := s.st.rels[id]; !ok {
		return fmt.Errorf("civicrmtest: delete relationship: relationship %d does not exist", id)
	}
	delete(s.st.rels, id)
	s.st.relOrder = slices.DeleteFunc(s.st.relOrder, func(x int64) bool { return x == id })
	return nil
}
