package civicrmtest

import (
	"slices"
	"strings"
)

func customFieldEntity() *entity {
	e := newEntity("CustomField")
	g := func(get func(f *customField) val) getter {
		return func(_ *qctx, row any) val { return get(row.(*customField)) }
	}
	e.add("id", kInt, g(func(f *customField) val { return vInt(f.id) }))
	e.add("custom_group_id", kInt, g(func(f *customField) val { return vInt(f.groupID) }))
	e.add("name", kStr, g(func(f *customField) val { return vStr(f.name) }))
	e.add("label", kStr, g(func(f *customField) val { return vStr(f.label) }))
	e.add("data_type", kStr, g(func(f *customField) val { return vStr(f.dataType) }))
	e.add("html_type", kStr, g(func(f *customField) val { return vStr(f.htmlType) }))
	e.add("is_active", kBool, g(func(*customField) val { return vBool(true) }))
	e.add("column_name", kStr, g(func(f *customField) val { return vStr(f.column) }))
	group := newEntity("CustomGroup")
	gg := func(get func(f *customField) val) getter {
		return func(_ *qctx, row any) val { return get(row.(*customField)) }
	}
	group.add("id", kInt, gg(func(f *customField) val { return vInt(f.groupID) }))
	group.add("name", kStr, gg(func(f *customField) val { return vStr(f.group) }))
	group.add("title", kStr, gg(func(f *customField) val { return vStr(strings.ReplaceAll(f.group, "_", " ")) }))
	group.add("extends", kStr, gg(func(*customField) val { return vStr("Contact") }))
	e.joins["custom_group_id"] = join{group, func(_ *qctx, row any) (any, bool) { return row, true }}
	e.scan = func(q *qctx, lo int64, fn func(row any) bool) {
		for i := range q.st.custom {
			if q.st.custom[i].id >= lo && !fn(&q.st.custom[i]) {
				return
			}
		}
	}
	e.clone = func(row any) any { return row }
	e.actions["get"] = func(c *call) (*result, error) { return c.get(nil) }
	e.actions["getFields"] = getFields
	return e
}

// extension is a row of Extension.get.
type extension struct {
	id                   int64
	key, name, status, v string
}

func extensionEntity() *entity {
	e := newEntity("Extension")
	g := func(get func(x *extension) val) getter {
		return func(_ *qctx, row any) val { return get(row.(*extension)) }
	}
	e.add("key", kStr, g(func(x *extension) val { return vStr(x.key) }))
	e.add("name", kStr, g(func(x *extension) val { return vStr(x.name) }))
	e.add("label", kStr, g(func(x *extension) val { return vStr(x.name) }))
	e.add("version", kStr, g(func(x *extension) val { return vStr(x.v) }))
	e.add("status", kStr, g(func(x *extension) val { return vStr(x.status) }))
	e.byName["id"] = &field{name: "id", kind: kInt, get: g(func(x *extension) val { return vInt(x.id) }), hidden: true}
	e.scan = func(_ *qctx, lo int64, fn func(row any) bool) {
		for i, k := range []string{"authx", "civi_member", "civi_contribute", "civi_mail", "standaloneusers", "org.civicrm.afform"} {
			x := &extension{id: int64(i + 1), key: k, name: k, status: "installed", v: "6.18.alpha1"}
			if x.id >= lo && !fn(x) {
				return
			}
		}
	}
	e.clone = func(row any) any { return row }
	e.actions["get"] = func(c *call) (*result, error) { return c.get(nil) }
	return e
}

// settingValues are the authx settings of a default install (62).
func settingValues() map[string]string {
	return map[string]string{
		"authx_guards":        `["site_key","perm"]`,
		"authx_header_cred":   `["jwt","api_key"]`,
		"authx_xheader_cred":  `["jwt","api_key"]`,
		"authx_param_cred":    `["jwt","api_key"]`,
		"authx_header_user":   `"optional"`,
		"authx_xheader_user":  `"optional"`,
		"authx_param_user":    `"optional"`,
		"debug_enabled":       `false`,
		"max_execution_time":  `30`,
		"authx_login_cred":    `[]`,
		"civicrm_api_version": `4`,
	}
}

func settingEntity() *entity {
	e := newEntity("Setting")
	e.actions["get"] = func(c *call) (*result, error) {
		vals := settingValues()
		w := newWriteResult()
		names := c.p.selects
		if len(names) == 0 {
			for k := range vals {
				names = append(names, k)
			}
			slices.Sort(names)
		}
		for _, n := range names {
			v, ok := vals[n]
			if !ok {
				continue // unknown settings are left out, like unknown fields
			}
			w.sep()
			w.buf = append(w.buf, `{"name":`...)
			w.buf = appendString(w.buf, n)
			w.buf = append(w.buf, `,"value":`...)
			w.buf = append(w.buf, v...)
			w.buf = append(w.buf, `,"domain_id":1}`...)
		}
		return w.done(false), nil
	}
	return e
}

// fieldSpec is a row of getFields.
type fieldSpec struct {
	id                               int64
	name, label, dataType, inputType string
	customID                         int64
	typ                              string
}

func fieldSpecEntity(specs []fieldSpec) *entity {
	e := newEntity("Fields")
	g := func(get func(s *fieldSpec) val) getter {
		return func(_ *qctx, row any) val { return get(row.(*fieldSpec)) }
	}
	e.add("name", kStr, g(func(s *fieldSpec) val { return vStr(s.name) }))
	e.add("title", kStr, g(func(s *fieldSpec) val { return vStr(s.label) }))
	e.add("label", kStr, g(func(s *fieldSpec) val { return vStr(s.label) }))
	e.add("data_type", kStr, g(func(s *fieldSpec) val { return vStr(s.dataType) }))
	e.add("input_type", kStr, g(func(s *fieldSpec) val { return vOpt(s.inputType) }))
	e.add("custom_field_id", kInt, g(func(s *fieldSpec) val { return vID(s.customID) }))
	e.add("type", kStr, g(func(s *fieldSpec) val { return vStr(s.typ) }))
	e.byName["id"] = &field{name: "id", kind: kInt, get: g(func(s *fieldSpec) val { return vInt(s.id) }), hidden: true}
	e.scan = func(_ *qctx, lo int64, fn func(row any) bool) {
		for i := range specs {
			if specs[i].id >= lo && !fn(&specs[i]) {
				return
			}
		}
	}
	e.clone = func(row any) any { return row }
	return e
}

// getFields answers Entity.getFields from the fake's own field table, so
// a custom field exists exactly when the fake knows it (08).
func getFields(c *call) (*result, error) {
	var specs []fieldSpec
	c.q.st.mu.RLock()
	for _, f := range c.e.fields {
		dt, it := "String", "Text"
		switch f.kind {
		case kInt:
			dt, it = "Integer", "Number"
		case kBool:
			dt, it = "Boolean", "CheckBox"
		}
		specs = append(specs, fieldSpec{id: int64(len(specs) + 1), name: f.name, label: fieldLabel(f.name), dataType: dt, inputType: it, typ: "Field"})
	}
	if c.e.dynamic != nil {
		for _, cf := range c.q.st.custom {
			it := "Text"
			if cf.htmlType == "Link" {
				it = "Url"
			}
			specs = append(specs, fieldSpec{id: int64(len(specs) + 1), name: cf.key(), dataType: "String", inputType: it,
				label: strings.ReplaceAll(cf.group, "_", " ") + ": " + cf.label, customID: cf.id, typ: "Custom"})
		}
	}
	c.q.st.mu.RUnlock()
	return runGet(c.q, fieldSpecEntity(specs), c.p, nil, 0)
}

func fieldLabel(name string) string {
	words := strings.Split(name, "_")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// explicitJoins supports the one explicit join shape the transcripts use:
// ["Email AS alias","LEFT",…] on the contact's primary email (07).
func explicitJoins(q *qctx, e *entity, joins []any) map[string]*field {
	out := map[string]*field{}
	for _, j := range joins {
		spec := asList(j)
		if len(spec) == 0 {
			continue
		}
		s, _ := spec[0].(string)
		ent, alias, ok := strings.Cut(s, " AS ")
		if !ok || ent != "Email" {
			continue
		}
		contactField := e.resolve(q, "contact_id.email_primary.email")
		if e.name == "Contact" {
			contactField = e.resolve(q, "email_primary.email")
		}
		if contactField != nil {
			out[alias+".email"] = &field{name: alias + ".email", kind: kStr, get: contactField.get}
		}
	}
	return out
}
