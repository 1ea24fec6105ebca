package civicrmtest

import (
	"strings"
	"time"
)

func relationshipTypeEntity() *entity {
	e := newEntity("RelationshipType")
	g := func(get func(t *RelationshipType) val) getter {
		return func(_ *qctx, row any) val { return get(row.(*RelationshipType)) }
	}
	e.add("id", kInt, g(func(t *RelationshipType) val { return vInt(t.ID) }))
	e.add("name_a_b", kStr, g(func(t *RelationshipType) val { return vStr(t.NameAB) }))
	e.add("label_a_b", kStr, g(func(t *RelationshipType) val { return vStr(t.LabelAB) }))
	e.add("name_b_a", kStr, g(func(t *RelationshipType) val { return vStr(t.NameBA) }))
	e.add("label_b_a", kStr, g(func(t *RelationshipType) val { return vStr(t.LabelBA) }))
	e.add("description", kStr, g(func(t *RelationshipType) val { return vOpt(t.Description) }))
	e.add("contact_type_a", kStr, g(func(t *RelationshipType) val { return vOpt(t.ContactTypeA) }))
	e.add("contact_type_b", kStr, g(func(t *RelationshipType) val { return vOpt(t.ContactTypeB) }))
	e.add("contact_sub_type_a", kStr, g(func(*RelationshipType) val { return vNull() }))
	e.add("contact_sub_type_b", kStr, g(func(*RelationshipType) val { return vNull() }))
	e.add("is_reserved", kBool, g(func(*RelationshipType) val { return vBool(false) }))
	e.add("is_active", kBool, g(func(t *RelationshipType) val { return vBool(t.IsActive) }))
	e.scan = func(q *qctx, lo int64, fn func(row any) bool) {
		for _, t := range q.st.relTypes {
			if t.ID >= lo && !fn(t) {
				return
			}
		}
	}
	e.clone = func(row any) any { return row }
	e.actions["get"] = func(c *call) (*result, error) { return c.get(nil) }
	e.actions["save"] = relationshipTypeSave
	e.actions["create"] = func(c *call) (*result, error) {
		c.p.records, c.p.match = []map[string]any{c.p.values}, nil
		return relationshipTypeSave(c)
	}
	e.actions["getFields"] = getFields
	return e
}

func relationshipTypeSave(c *call) (res *result, err error) {
	records := mergeDefaults(c.p.records, c.p.defaults)
	defer func() { c.recordWrite(nil, records, err) }()
	w := newWriteResult()
	for _, rec := range records {
		if err := c.beforeRecord(); err != nil {
			return nil, err
		}
		st := c.q.st
		st.mu.Lock()
		var t *RelationshipType
		if id, ok := rec["id"]; ok {
			t = st.relTypeByID(convert(kInt, id).i)
		} else if rows := findMatches(c.q, c.e, c.p.match, rec); len(rows) == 1 {
			t = rows[0].(*RelationshipType)
		}
		if t == nil {
			name, _ := rec["name_a_b"].(string)
			for _, o := range st.relTypes {
				if o.NameAB == name {
					st.mu.Unlock()
					return nil, apiErr("DB Error: already exists")
				}
			}
			t = &RelationshipType{ID: st.nextRelType, IsActive: true}
			st.nextRelType++
			st.relTypes = append(st.relTypes, t)
		} else {
			w.matched++
		}
		str := func(k string, dst *string) {
			if v, ok := rec[k]; ok {
				*dst = convert(kStr, v).s
			}
		}
		str("name_a_b", &t.NameAB)
		str("label_a_b", &t.LabelAB)
		str("name_b_a", &t.NameBA)
		str("label_b_a", &t.LabelBA)
		str("description", &t.Description)
		str("contact_type_a", &t.ContactTypeA)
		str("contact_type_b", &t.ContactTypeB)
		if v, ok := rec["is_active"]; ok {
			t.IsActive = convert(kBool, v).i != 0
		}
		c.written++
		w.sep()
		w.buf = append(w.buf, `{"id":`...)
		w.buf = appendVal(w.buf, vInt(t.ID))
		for _, k := range sortedKeys(rec) {
			if f := c.e.byName[k]; f != nil && k != "id" {
				w.buf = append(append(append(w.buf, ','), colKey(k)...), appendVal(nil, f.get(c.q, t))...)
			}
		}
		w.buf = append(w.buf, `,"custom":null,"check_permissions":null}`...)
		st.mu.Unlock()
	}
	return w.done(true), nil
}

func relationshipEntity(contact, rtype *entity) *entity {
	e := newEntity("Relationship")
	g := func(get func(r *Relationship) val) getter {
		return func(_ *qctx, row any) val { return get(row.(*Relationship)) }
	}
	e.add("id", kInt, g(func(r *Relationship) val { return vInt(r.ID) }))
	e.add("contact_id_a", kInt, g(func(r *Relationship) val { return vInt(r.ContactIDA) }))
	e.add("contact_id_b", kInt, g(func(r *Relationship) val { return vInt(r.ContactIDB) }))
	e.add("relationship_type_id", kInt, g(func(r *Relationship) val { return vInt(r.TypeID) }))
	e.add("start_date", kStr, g(func(r *Relationship) val { return vOpt(r.StartDate) }))
	e.add("end_date", kStr, g(func(r *Relationship) val { return vOpt(r.EndDate) }))
	e.add("is_active", kBool, g(func(r *Relationship) val { return vBool(r.IsActive) }))
	e.add("description", kStr, g(func(r *Relationship) val { return vStr(r.Description) }))
	e.add("is_permission_a_b", kInt, g(func(*Relationship) val { return vInt(0) }))
	e.add("is_permission_b_a", kInt, g(func(*Relationship) val { return vInt(0) }))
	e.add("case_id", kInt, g(func(*Relationship) val { return vNull() }))
	e.add("created_date", kStr, g(func(r *Relationship) val { return vOpt(r.Created) }))
	e.add("modified_date", kStr, g(func(r *Relationship) val { return vOpt(r.Modified) }))
	// is_current: active, and today within the dates (IsCurrentFieldSpecProvider).
	e.extra("is_current", kBool, func(q *qctx, row any) val { return vBool(row.(*Relationship).current(q.today)) })
	typeName := func(q *qctx, row any) val {
		if t := q.st.relTypeByID(row.(*Relationship).TypeID); t != nil {
			return vStr(t.NameAB)
		}
		return vNull()
	}
	e.extra("relationship_type_id:name", kStr, typeName)
	e.extra("relationship_type_id:label", kStr, typeName)
	for _, side := range []string{"contact_id_a", "contact_id_b"} {
		a := side == "contact_id_a"
		e.joins[side] = join{contact, func(q *qctx, row any) (any, bool) {
			r := row.(*Relationship)
			id := r.ContactIDB
			if a {
				id = r.ContactIDA
			}
			var ok bool
			q.scratch, ok = q.st.contact(id)
			return &q.scratch, ok
		}}
	}
	e.joins["relationship_type_id"] = join{rtype, func(q *qctx, row any) (any, bool) {
		t := q.st.relTypeByID(row.(*Relationship).TypeID)
		return t, t != nil
	}}
	e.scan = func(q *qctx, lo int64, fn func(row any) bool) {
		scanMerged(q.st.relOrder, 0, 0, lo, func(id int64, _ bool) bool { return fn(q.st.rels[id]) })
	}
	e.clone = func(row any) any {
		r := *row.(*Relationship)
		return &r
	}
	e.actions["get"] = func(c *call) (*result, error) {
		var extra []any
		if !c.admin {
			extra = append(extra, []any{"OR", []any{[]any{"contact_id_a", "=", c.self}, []any{"contact_id_b", "=", c.self}}})
		}
		return c.get(extra)
	}
	e.actions["save"] = relationshipSave
	e.actions["create"] = func(c *call) (*result, error) {
		c.p.records, c.p.match = []map[string]any{c.p.values}, nil
		return relationshipSave(c)
	}
	e.actions["getFields"] = getFields
	return e
}

func (r *Relationship) current(today string) bool {
	return r.IsActive && (r.StartDate == "" || r.StartDate <= today) && (r.EndDate == "" || r.EndDate >= today)
}

// parseDate stores what MySQL would: a valid date, or 1970-01-01 for
// anything else (transcript 55), or NULL for null/"".
func parseDate(v any) string {
	s, _ := v.(string)
	if v == nil || s == "" {
		return ""
	}
	for _, layout := range []string{time.DateOnly, "20060102", time.DateTime} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return "1970-01-01"
}

// saveDate formats a date the way Relationship.save echoes it: YYYYMMDD,
// or the string "NULL".
func saveDate(s string) val {
	if s == "" {
		return vStr("NULL")
	}
	return vStr(strings.ReplaceAll(s, "-", ""))
}
