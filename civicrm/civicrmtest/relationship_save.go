package civicrmtest

import "strings"

// relationshipSave implements Relationship.save as 27–34 and 55 show it.
func relationshipSave(c *call) (*result, error) {
	return saveEach(c, true, func(w *writeResult, rec map[string]any, _ bool) error {
		return c.saveRelationship(w, rec)
	})
}

func (c *call) saveRelationship(w *writeResult, rec map[string]any) error {
	st := c.q.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if name, ok := rec["relationship_type_id:name"]; ok {
		delete(rec, "relationship_type_id:name")
		rec["relationship_type_id"] = int64(0)
		for _, t := range st.relTypes {
			if t.NameAB == name {
				rec["relationship_type_id"] = t.ID
			}
		}
	}
	var r *Relationship
	if id, ok := rec["id"]; ok {
		r = st.rels[convert(kInt, id).i]
		if r == nil {
			return apiErr("Expected one Relationship but found 0")
		}
	} else if rows := findMatches(c.q, c.e, c.p.match, rec); len(rows) == 1 {
		r = st.rels[rows[0].(*Relationship).ID]
	}
	stamp := c.q.now.Format("2006-01-02 15:04:05")
	if r != nil {
		before := *r
		applyRelationship(r, rec)
		changed := *r != before
		if changed {
			r.Modified = stamp
		}
		w.matched++
		c.written++
		w.sep()
		// A re-save that sends start_date and changes something echoes the
		// whole row (29); otherwise only what was sent (28, 32).
		_, hasStart := rec["start_date"]
		c.echoRelationship(w, r, rec, changed && hasStart)
		return nil
	}
	next := Relationship{IsActive: true, Created: stamp, Modified: stamp}
	applyRelationship(&next, rec)
	// The duplicate check runs before the contact-type check, as in
	// CRM_Contact_BAO_Relationship::create: the organisation as contact A
	// of an existing pair is a duplicate (33), of a fresh pair invalid (34).
	if dup, ok := st.duplicateRelationship(next, rec); ok {
		// CiviCRM reports the duplicate inside values with a 200 (33).
		w.sep()
		w.buf = append(w.buf, `{"duplicate_id":`...)
		w.buf = appendVal(w.buf, vInt(dup))
		w.buf = append(w.buf, `,"error_code":"duplicate","id":`...)
		w.buf = appendVal(w.buf, vInt(dup))
		w.buf = append(w.buf, '}')
		return nil
	}
	t := st.relTypeByID(next.TypeID)
	a, okA := st.contact(next.ContactIDA)
	b, okB := st.contact(next.ContactIDB)
	if t == nil || !okA || !okB || (t.ContactTypeA != "" && t.ContactTypeA != a.ContactType) ||
		(t.ContactTypeB != "" && t.ContactTypeB != b.ContactType) || next.ContactIDA == next.ContactIDB {
		return apiErr("Invalid Relationship")
	}
	r = st.addRelationship(next)
	c.written++
	w.sep()
	c.echoRelationship(w, r, rec, true)
	return nil
}

// duplicateRelationship finds what checkDuplicateRelationship would: an
// active relationship of the same type between the same two contacts in
// either direction, with the same start and end dates where the record
// sends them (a null date matches only a null one). The caller holds the
// store lock.
func (st *store) duplicateRelationship(next Relationship, rec map[string]any) (int64, bool) {
	_, s := rec["start_date"]
	_, e := rec["end_date"]
	for _, id := range st.relOrder {
		o := st.rels[id]
		same := (o.ContactIDA == next.ContactIDA && o.ContactIDB == next.ContactIDB) ||
			(o.ContactIDA == next.ContactIDB && o.ContactIDB == next.ContactIDA)
		if o.IsActive && same && o.TypeID == next.TypeID &&
			(!s || o.StartDate == next.StartDate) && (!e || o.EndDate == next.EndDate) {
			return o.ID, true
		}
	}
	return 0, false
}

func applyRelationship(r *Relationship, rec map[string]any) {
	for k, v := range rec {
		switch k {
		case "contact_id_a":
			r.ContactIDA = convert(kInt, v).i
		case "contact_id_b":
			r.ContactIDB = convert(kInt, v).i
		case "relationship_type_id":
			if i, ok := v.(int64); ok {
				r.TypeID = i
			} else {
				r.TypeID = convert(kInt, v).i
			}
		case "start_date":
			r.StartDate = parseDate(v)
		case "end_date":
			r.EndDate = parseDate(v)
		case "is_active":
			r.IsActive = convert(kBool, v).i != 0
		case "description":
			r.Description = convert(kStr, v).s
			if v == nil {
				r.Description = ""
			}
		}
	}
}

// echoRelationship writes save's echo: dates as YYYYMMDD, NULL as the
// string "NULL", timestamps as YYYYMMDDhhmmss.
func (c *call) echoRelationship(w *writeResult, r *Relationship, rec map[string]any, full bool) {
	b := append(w.buf, `{"id":`...)
	b = appendVal(b, vInt(r.ID))
	put := func(k string, v val) {
		b = append(append(append(b, ','), colKey(k)...), appendVal(nil, v)...)
	}
	sent := func(k string) bool { _, ok := rec[k]; return ok }
	for _, k := range []string{"contact_id_a", "contact_id_b", "relationship_type_id"} {
		if full || sent(k) {
			put(k, c.e.byName[k].get(c.q, r))
		}
	}
	if full || sent("start_date") {
		put("start_date", saveDate(r.StartDate))
	}
	if full || sent("end_date") {
		put("end_date", saveDate(r.EndDate))
	}
	if full || sent("is_active") {
		put("is_active", vBool(r.IsActive))
	}
	if full || sent("description") {
		put("description", vStr(r.Description))
	}
	if full {
		put("is_permission_a_b", vInt(0))
		put("is_permission_b_a", vInt(0))
		put("created_date", vStr(compactStamp(r.Created)))
		put("modified_date", vStr(compactStamp(r.Modified)))
	}
	w.buf = append(b, `,"custom":null,"check_permissions":null}`...)
}

func compactStamp(s string) string {
	return strings.NewReplacer("-", "", " ", "", ":", "").Replace(s)
}
