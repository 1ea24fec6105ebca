package civicrmtest

func groupContactEntity(contact, group *entity) *entity {
	e := newEntity("GroupContact")
	g := func(get func(gc *GroupContact) val) getter {
		return func(_ *qctx, row any) val { return get(row.(*GroupContact)) }
	}
	e.add("id", kInt, g(func(gc *GroupContact) val { return vInt(gc.ID) }))
	e.add("group_id", kInt, g(func(gc *GroupContact) val { return vInt(gc.GroupID) }))
	e.add("contact_id", kInt, g(func(gc *GroupContact) val { return vInt(gc.ContactID) }))
	e.add("status", kStr, g(func(gc *GroupContact) val { return vOpt(gc.Status) }))
	e.add("location_id", kInt, g(func(*GroupContact) val { return vNull() }))
	e.add("email_id", kInt, g(func(*GroupContact) val { return vNull() }))
	e.extra("status:name", kStr, g(func(gc *GroupContact) val { return vOpt(gc.Status) }))
	e.extra("status:label", kStr, g(func(gc *GroupContact) val { return vOpt(gc.Status) }))
	e.joins["contact_id"] = join{contact, func(q *qctx, row any) (any, bool) {
		var ok bool
		q.scratch, ok = q.st.contact(row.(*GroupContact).ContactID)
		return &q.scratch, ok
	}}
	e.joins["group_id"] = join{group, func(q *qctx, row any) (any, bool) {
		gr := q.st.groupByID(row.(*GroupContact).GroupID)
		return gr, gr != nil
	}}
	e.scan = func(q *qctx, lo int64, fn func(row any) bool) {
		scanMerged(q.st.gcOrder, 0, 0, lo, func(id int64, _ bool) bool {
			return fn(q.st.groupContacts[id])
		})
	}
	e.clone = func(row any) any {
		gc := *row.(*GroupContact)
		return &gc
	}
	e.actions["get"] = func(c *call) (*result, error) {
		var extra []any
		if !c.admin {
			extra = append(extra, []any{"contact_id", "=", c.self})
		}
		return c.get(extra)
	}
	e.actions["create"] = func(c *call) (*result, error) {
		c.p.records, c.p.match = []map[string]any{c.p.values}, nil
		return groupContactSave(c, false)
	}
	e.actions["save"] = func(c *call) (*result, error) { return groupContactSave(c, true) }
	e.actions["update"] = groupContactUpdate
	e.actions["delete"] = groupContactDelete
	e.actions["getFields"] = getFields
	return e
}

// groupContactSave implements save (and create): records are written one
// at a time; a pair that exists without match is a duplicate key (16).
func groupContactSave(c *call, withMatched bool) (*result, error) {
	return saveEach(c, withMatched, c.saveGroupContact)
}

func (c *call) saveGroupContact(w *writeResult, rec map[string]any, last bool) error {
	st := c.q.st
	st.mu.Lock()
	defer st.mu.Unlock()
	gid, cid := convert(kInt, rec["group_id"]).i, convert(kInt, rec["contact_id"]).i
	var gc *GroupContact
	if id, ok := rec["id"]; ok {
		gc = st.groupContacts[convert(kInt, id).i]
		if gc == nil {
			return apiErr("Expected one GroupContact but found 0")
		}
	} else if isPairMatch(c.p.match) {
		if id, ok := st.gcByPair[[2]int64{gid, cid}]; ok {
			gc = st.groupContacts[id]
		}
	} else if rows := findMatches(c.q, c.e, c.p.match, rec); len(rows) == 1 {
		gc = st.groupContacts[rows[0].(*GroupContact).ID]
	}
	status := "Added"
	if s, ok := rec["status"]; ok && s != nil {
		status = convert(kStr, s).s
	}
	if gc != nil {
		if _, ok := rec["status"]; ok || len(c.p.match) > 0 {
			gc.Status = status
		}
		w.matched++
	} else {
		if st.groupByID(gid) == nil {
			return apiErr("DB Error: constraint violation")
		}
		if _, ok := st.contact(cid); !ok {
			return apiErr("DB Error: constraint violation")
		}
		if _, dup := st.gcByPair[[2]int64{gid, cid}]; dup {
			st.nextGC++ // MySQL burns the auto-increment value on a failed insert.
			return apiErr("DB Error: already exists")
		}
		gc = st.addGroupContact(GroupContact{GroupID: gid, ContactID: cid, Status: status})
	}
	c.written++
	w.sep()
	echoGroupContact(w, gc, last)
	return nil
}

func isPairMatch(match []string) bool {
	return len(match) == 2 && ((match[0] == "group_id" && match[1] == "contact_id") ||
		(match[0] == "contact_id" && match[1] == "group_id"))
}

// echoGroupContact writes the echo of 15–24: "method" and "tracking" only
// appear on the last record, a PHP by-reference leftover.
func echoGroupContact(w *writeResult, gc *GroupContact, last bool) {
	w.buf = append(w.buf, `{"id":`...)
	w.buf = appendVal(w.buf, vInt(gc.ID))
	w.buf = append(w.buf, `,"group_id":`...)
	w.buf = appendVal(w.buf, vInt(gc.GroupID))
	w.buf = append(w.buf, `,"contact_id":`...)
	w.buf = appendVal(w.buf, vInt(gc.ContactID))
	w.buf = append(w.buf, `,"status":`...)
	w.buf = appendVal(w.buf, vOpt(gc.Status))
	w.buf = append(w.buf, `,"custom":null,"check_permissions":null`...)
	if last {
		w.buf = append(w.buf, `,"method":null,"tracking":null`...)
	}
	w.buf = append(w.buf, '}')
}

func groupContactUpdate(c *call) (*result, error) {
	return eachMatch(c, nil, []map[string]any{c.p.values}, func(w *writeResult, id int64, last bool) {
		gc := c.q.st.groupContacts[id]
		if gc == nil {
			return
		}
		if s, ok := c.p.values["status"]; ok {
			gc.Status = convert(kStr, s).s
		}
		c.written++
		w.sep()
		echoGroupContact(w, gc, last)
	})
}

func groupContactDelete(c *call) (*result, error) {
	return eachMatch(c, nil, nil, func(w *writeResult, id int64, _ bool) {
		c.q.st.deleteGroupContact(id)
		c.written++
		w.echoID(id)
	})
}
