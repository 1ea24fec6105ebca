package civicrmtest

import (
	"strings"
)

func contactGet(c *call) (*result, error) {
	var extra []any
	if !mentions(c.p.where, "is_deleted") && !selectsByID(c.p.where) {
		// APIv4 hides trashed contacts unless the where clause decides.
		extra = append(extra, []any{"is_deleted", "=", false})
	}
	if !c.admin {
		extra = append(extra, []any{"id", "=", c.self})
	}
	return c.get(extra)
}

// get runs a get under the read lock, applying the DropRows fault.
func (c *call) get(extra []any) (*result, error) {
	drop := 0
	if c.fault != nil && c.fault.kind == faultDropRows {
		drop = c.fault.n
	}
	c.q.st.mu.RLock()
	defer c.q.st.mu.RUnlock()
	c.q.aliases = explicitJoins(c.q, c.e, c.p.join)
	return runGet(c.q, c.e, c.p, extra, drop)
}

// mentions reports whether any where clause, at any depth, names field.
func mentions(where []any, field string) bool {
	for _, c := range where {
		leaf, ok := c.([]any)
		if !ok || len(leaf) == 0 {
			continue
		}
		if leaf[0] == field {
			return true
		}
		if len(leaf) > 1 {
			if sub, ok := leaf[1].([]any); ok && mentions(sub, field) {
				return true
			}
		}
	}
	return false
}

// selectsByID reports a top-level ["id","=",x] or ["id","IN",[…]].
func selectsByID(where []any) bool {
	for _, c := range where {
		if leaf, ok := c.([]any); ok && len(leaf) >= 2 && leaf[0] == "id" && (leaf[1] == "=" || leaf[1] == "IN") {
			return true
		}
	}
	return false
}

// onlyID returns x for a where that is exactly [["id","=",x]]: APIv4 then
// writes that record directly and fails if it does not exist.
func onlyID(where []any) (int64, bool) {
	if len(where) != 1 {
		return 0, false
	}
	leaf, ok := where[0].([]any)
	if !ok || len(leaf) != 3 || leaf[0] != "id" || leaf[1] != "=" {
		return 0, false
	}
	return convert(kInt, leaf[2]).i, true
}

// matchingIDs runs where (with the entity's default filters) and returns
// the ids of the rows it selects.
func (c *call) matchingIDs(extra []any) ([]int64, error) {
	c.q.st.mu.RLock()
	defer c.q.st.mu.RUnlock()
	where, err := compileWhere(c.q, c.e, append(append([]any(nil), c.p.where...), extra...))
	if err != nil {
		return nil, err
	}
	var ids []int64
	idf := c.e.byName["id"]
	c.e.scan(c.q, idLowerBound(c.p.where), func(row any) bool {
		if where(c.q, row) {
			ids = append(ids, idf.get(c.q, row).i)
		}
		return true
	})
	return ids, nil
}

func contactUpdate(c *call) (res *result, err error) {
	defer func() { c.recordWrite(c.p.where, []map[string]any{c.p.values}, err) }()
	ids, byID := []int64(nil), false
	if id, ok := onlyID(c.p.where); ok {
		ids, byID = []int64{id}, true
	} else if ids, err = c.matchingIDs(c.defaultContactFilter()); err != nil {
		return nil, err
	}
	w := newWriteResult()
	for i, id := range ids {
		rec := map[string]any{}
		for k, v := range c.p.values {
			rec[k] = v
		}
		rec["id"] = id
		if err := c.saveContact(w, rec, i == len(ids)-1, byID); err != nil {
			return nil, err
		}
	}
	return w.done(false), nil
}

func (c *call) defaultContactFilter() []any {
	if mentions(c.p.where, "is_deleted") {
		return nil
	}
	return []any{[]any{"is_deleted", "=", false}}
}

func contactSave(c *call) (res *result, err error) {
	records := mergeDefaults(c.p.records, c.p.defaults)
	defer func() { c.recordWrite(nil, records, err) }()
	w := newWriteResult()
	for i, rec := range records {
		if err := c.saveContact(w, rec, i == len(records)-1, true); err != nil {
			return nil, err
		}
	}
	return w.done(true), nil
}

func contactCreate(c *call) (res *result, err error) {
	rec := map[string]any{}
	for k, v := range c.p.values {
		rec[k] = v
	}
	delete(rec, "id")
	defer func() { c.recordWrite(nil, []map[string]any{rec}, err) }()
	w := newWriteResult()
	if err := c.saveContact(w, rec, true, true); err != nil {
		return nil, err
	}
	return w.done(false), nil
}

// saveContact writes one record (update when it has an id, else create)
// and appends CiviCRM's echo: every non-null core field, the written
// custom fields as null although they were saved (09, 66), then
// "custom" and "check_permissions" (and "contact_id" on the last record).
func (c *call) saveContact(w *writeResult, rec map[string]any, last, strict bool) error {
	if err := c.beforeRecord(); err != nil {
		return err
	}
	st := c.q.st
	st.mu.Lock()
	defer st.mu.Unlock()
	var ct *Contact
	if idv, ok := rec["id"]; ok && idv != nil {
		id := convert(kInt, idv).i
		var found bool
		if ct, found = st.mutableContact(id); !found {
			if strict {
				return apiErr("Expected one Contact but found 0")
			}
			return nil
		}
		w.matched++
	} else {
		typ, _ := rec["contact_type"].(string)
		if typ == "" {
			return apiErr("Mandatory values missing from Api4 Contact::create: contact_type")
		}
		id := st.addContact(Contact{ContactType: typ, created: c.srv.stampNow(c.q.now)})
		ct = st.contacts[id]
	}
	applyContactValues(ct, rec, st.custom)
	c.written++
	w.buf = c.echoContact(w.buf, ct, rec, w.n > 0)
	w.buf = append(w.buf, `,"custom":null,"check_permissions":null`...)
	if last {
		w.buf = append(w.buf, `,"contact_id":null`...)
	}
	w.buf = append(w.buf, '}')
	w.n++
	return nil
}

func (c *call) echoContact(b []byte, ct *Contact, rec map[string]any, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = append(b, '{')
	first := true
	for _, f := range c.e.starFields(ct) {
		v := f.get(c.q, ct)
		if v.k == kNull {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, colKey(f.name)...)
		b = appendVal(b, v)
	}
	for k := range rec {
		if strings.Contains(k, ".") {
			b = append(b, ',')
			b = append(b, colKey(k)...)
			b = append(b, "null"...)
		}
	}
	return b
}

// applyContactValues sets the writable core fields and known custom
// fields; anything else is ignored, as CiviCRM ignores it (46).
func applyContactValues(ct *Contact, rec map[string]any, custom []customField) {
	ct.display = "" // names may change; recompute from the fields
	for k, v := range rec {
		s, _ := v.(string)
		switch k {
		case "first_name":
			ct.FirstName = s
		case "last_name":
			ct.LastName = s
		case "organization_name":
			ct.Organization = s
		case "external_identifier":
			ct.ExternalID = s
		case "source":
			ct.Source = s
		case "is_deleted":
			ct.IsDeleted = convert(kBool, v).i != 0
		case "is_deceased":
			ct.IsDeceased = convert(kBool, v).i != 0
		case "email_primary.email":
			ct.Email = s
		default:
			for _, cf := range custom {
				if cf.key() != k {
					continue
				}
				if v == nil {
					delete(ct.Custom, k)
					continue
				}
				if ct.Custom == nil {
					ct.Custom = map[string]string{}
				}
				ct.Custom[k] = convert(kStr, v).s
			}
		}
	}
}

func contactDelete(c *call) (*result, error) {
	return eachMatch(c, c.defaultContactFilter(), nil, func(w *writeResult, id int64, _ bool) {
		if ct, ok := c.q.st.mutableContact(id); ok {
			ct.IsDeleted = true
		}
		c.written++
		w.echoID(id)
	})
}
