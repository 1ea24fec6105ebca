package civicrmtest

import (
	"slices"
	"strings"
)

func groupEntity() *entity {
	e := newEntity("Group")
	g := func(get func(g *Group) val) getter {
		return func(_ *qctx, row any) val { return get(row.(*Group)) }
	}
	null := g(func(*Group) val { return vNull() })
	e.add("id", kInt, g(func(g *Group) val { return vInt(g.ID) }))
	e.add("name", kStr, g(func(g *Group) val { return vStr(g.Name) }))
	e.add("title", kStr, g(func(g *Group) val { return vStr(g.Title) }))
	e.add("description", kStr, null)
	e.add("source", kStr, null)
	e.add("saved_search_id", kInt, null)
	e.add("is_active", kBool, g(func(g *Group) val { return vBool(g.IsActive) }))
	e.add("visibility", kStr, g(func(*Group) val { return vStr("User and User Admin Only") }))
	e.add("group_type", kStr, g(func(g *Group) val { return vRaw(jsonStrings(g.GroupType)) }))
	e.add("is_hidden", kBool, g(func(*Group) val { return vBool(false) }))
	e.add("is_reserved", kBool, g(func(*Group) val { return vBool(false) }))
	e.add("created_id", kInt, g(func(*Group) val { return vInt(2) }))
	e.add("modified_id", kInt, g(func(*Group) val { return vInt(2) }))
	e.add("frontend_title", kStr, g(func(g *Group) val { return vStr(g.Title) }))
	e.add("frontend_description", kStr, null)
	e.extra("group_type:name", kStr, g(func(g *Group) val {
		names := make([]string, len(g.GroupType))
		for i, t := range g.GroupType {
			names[i] = groupTypeName(t)
		}
		return vRaw(jsonStrings(names))
	}))
	e.scan = func(q *qctx, lo int64, fn func(row any) bool) {
		for _, g := range q.st.groups {
			if g.ID >= lo && !fn(g) {
				return
			}
		}
	}
	e.clone = func(row any) any { return row }
	e.actions["get"] = func(c *call) (*result, error) { return c.get(nil) }
	e.actions["save"] = groupSave
	e.actions["create"] = func(c *call) (*result, error) {
		c.p.records, c.p.match = []map[string]any{c.p.values}, nil
		return groupSave(c)
	}
	e.actions["getFields"] = getFields
	return e
}

func jsonStrings(ss []string) string {
	b := []byte{'['}
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return string(append(b, ']'))
}

func groupTypeName(id string) string {
	switch id {
	case "1":
		return "Access Control"
	case "2":
		return "Mailing List"
	}
	return id
}

func groupTypeID(name string) string {
	switch name {
	case "Access Control":
		return "1"
	case "Mailing List":
		return "2"
	}
	return name
}

// groupSave implements Group.save: match, then update or create. name and
// title are both UNIQUE in civicrm_group (71).
func groupSave(c *call) (*result, error) {
	return saveEach(c, true, func(w *writeResult, rec map[string]any, _ bool) error {
		return c.saveGroup(w, rec)
	})
}

func (c *call) saveGroup(w *writeResult, rec map[string]any) error {
	st := c.q.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if names, ok := rec["group_type:name"]; ok {
		var ids []any
		for _, n := range asList(names) {
			s, _ := n.(string)
			ids = append(ids, groupTypeID(s))
		}
		delete(rec, "group_type:name")
		rec["group_type"] = ids
	}
	var g *Group
	if id, ok := rec["id"]; ok {
		g = st.groupByID(convert(kInt, id).i)
	} else if rows := findMatches(c.q, c.e, c.p.match, rec); len(rows) == 1 {
		g = rows[0].(*Group)
	}
	created := g == nil
	next := Group{IsActive: true}
	if g != nil {
		next = *g
	}
	if v, ok := rec["name"].(string); ok {
		next.Name = v
	}
	if v, ok := rec["title"].(string); ok {
		next.Title = v
	}
	if next.Name == "" {
		next.Name = strings.ReplaceAll(next.Title, " ", "_")
	}
	if v, ok := rec["group_type"]; ok {
		next.GroupType = nil
		for _, t := range asList(v) {
			next.GroupType = append(next.GroupType, convert(kStr, t).s)
		}
	}
	if v, ok := rec["is_active"]; ok {
		next.IsActive = convert(kBool, v).i != 0
	}
	for _, o := range st.groups {
		if o != g && (strings.EqualFold(o.Name, next.Name) || strings.EqualFold(o.Title, next.Title)) {
			return apiErr("DB Error: already exists")
		}
	}
	if created {
		next.ID = st.nextGroup
		st.nextGroup++
		g = &next
		st.groups = append(st.groups, g)
	} else {
		*g = next
		w.matched++
	}
	c.written++
	w.sep()
	w.buf = append(w.buf, `{"id":`...)
	w.buf = appendVal(w.buf, vInt(g.ID))
	keys := sortedKeys(rec)
	for _, k := range keys {
		if k == "id" {
			continue
		}
		f := c.e.byName[k]
		if f == nil {
			continue
		}
		w.buf = append(w.buf, ',')
		w.buf = append(w.buf, colKey(k)...)
		w.buf = appendVal(w.buf, f.get(c.q, g))
	}
	if created {
		w.buf = append(w.buf, `,"created_id":2,"modified_id":2,"frontend_title":`...)
		w.buf = appendString(w.buf, g.Title)
	} else {
		w.buf = append(w.buf, `,"modified_id":2`...)
	}
	w.buf = append(w.buf, `,"custom":null,"check_permissions":null}`...)
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// findMatches returns the rows whose match fields equal rec's, as save's
// match does (an empty or null value matches IS EMPTY).
func findMatches(q *qctx, e *entity, match []string, rec map[string]any) []any {
	if len(match) == 0 {
		return nil
	}
	// APIv4 looks for a match only when the record has every match field
	// (MatchParamTrait::matchExisting): one missing means a create. A field
	// sent as null or "" matches an empty one (IS EMPTY).
	for _, m := range match {
		if _, ok := rec[m]; !ok {
			return nil
		}
	}
	var rows []any
	e.scan(q, 0, func(row any) bool {
		for _, m := range match {
			f := e.byName[m]
			if f == nil {
				return true
			}
			v := f.get(q, row)
			want, ok := rec[m]
			if !ok || want == nil || want == "" {
				if v.k != kNull && v.s != "" {
					return true
				}
				continue
			}
			if c, ok := compare(f.kind, v, convert(f.kind, want)); !ok || c != 0 {
				return true
			}
		}
		rows = append(rows, e.clone(row))
		return true
	})
	return rows
}
