package civicrmtest

// memberRow is a membership with its contact, as the SQL join sees it.
type memberRow struct {
	m   Membership
	c   Contact
	cOK bool
}

func memberGetter(get func(m *Membership) val) getter {
	return func(_ *qctx, row any) val { return get(&row.(*memberRow).m) }
}

func membershipEntity(contact, status, mtype *entity) *entity {
	e := newEntity("Membership")
	statusOf := func(m *Membership) membershipStatus {
		s, _ := statusByName(m.Status)
		return s
	}
	e.add("id", kInt, memberGetter(func(m *Membership) val { return vInt(m.ID) }))
	e.add("contact_id", kInt, memberGetter(func(m *Membership) val { return vInt(m.ContactID) }))
	e.add("membership_type_id", kInt, func(q *qctx, row any) val {
		return vID(q.st.membershipTypeID(row.(*memberRow).m.Type))
	})
	e.add("join_date", kStr, memberGetter(func(m *Membership) val { return vOpt(m.JoinDate) }))
	e.add("start_date", kStr, memberGetter(func(m *Membership) val { return vOpt(m.StartDate) }))
	e.add("end_date", kStr, memberGetter(func(m *Membership) val { return vOpt(m.EndDate) }))
	e.add("source", kStr, memberGetter(func(*Membership) val { return vNull() }))
	e.add("status_id", kInt, memberGetter(func(m *Membership) val { return vID(statusOf(m).id) }))
	e.add("is_override", kBool, memberGetter(func(*Membership) val { return vBool(false) }))
	e.add("status_override_end_date", kStr, memberGetter(func(*Membership) val { return vNull() }))
	e.add("owner_membership_id", kInt, memberGetter(func(*Membership) val { return vNull() }))
	e.add("max_related", kInt, memberGetter(func(*Membership) val { return vNull() }))
	e.add("is_test", kBool, memberGetter(func(*Membership) val { return vBool(false) }))
	e.add("is_pay_later", kBool, memberGetter(func(*Membership) val { return vBool(false) }))
	e.add("contribution_recur_id", kInt, memberGetter(func(*Membership) val { return vNull() }))
	e.add("campaign_id", kInt, memberGetter(func(*Membership) val { return vNull() }))
	e.extra("status_id:name", kStr, memberGetter(func(m *Membership) val { return vOpt(statusOf(m).name) }))
	e.extra("status_id:label", kStr, memberGetter(func(m *Membership) val { return vOpt(statusOf(m).name) }))
	e.extra("membership_type_id:name", kStr, memberGetter(func(m *Membership) val { return vOpt(m.Type) }))
	e.extra("membership_type_id:label", kStr, memberGetter(func(m *Membership) val { return vOpt(m.Type) }))
	e.joins["contact_id"] = join{contact, func(_ *qctx, row any) (any, bool) {
		r := row.(*memberRow)
		return &r.c, r.cOK
	}}
	e.joins["status_id"] = join{status, func(q *qctx, row any) (any, bool) {
		s := q.st.status(row.(*memberRow).m.Status)
		return s, s != nil
	}}
	e.joins["membership_type_id"] = join{mtype, func(q *qctx, row any) (any, bool) {
		id := q.st.membershipTypeID(row.(*memberRow).m.Type)
		return &memberType{id: id, name: row.(*memberRow).m.Type}, id != 0
	}}
	e.scan = func(q *qctx, lo int64, fn func(row any) bool) {
		r := &memberRow{}
		q.st.scanMemberships(lo, func(m *Membership) bool {
			r.m = *m
			r.cOK = q.st.contactInto(m.ContactID, &r.c)
			return fn(r)
		})
	}
	e.clone = func(row any) any {
		r := *row.(*memberRow)
		return &r
	}
	e.actions["get"] = func(c *call) (*result, error) { return c.get(nil) }
	e.actions["getFields"] = getFields
	return e
}

func membershipStatusEntity() *entity {
	e := newEntity("MembershipStatus")
	g := func(get func(s *membershipStatus) val) getter {
		return func(_ *qctx, row any) val { return get(row.(*membershipStatus)) }
	}
	e.add("id", kInt, g(func(s *membershipStatus) val { return vInt(s.id) }))
	e.add("name", kStr, g(func(s *membershipStatus) val { return vStr(s.name) }))
	e.add("label", kStr, g(func(s *membershipStatus) val { return vStr(s.name) }))
	e.add("is_current_member", kBool, g(func(s *membershipStatus) val { return vBool(s.isCurrent) }))
	e.add("is_admin", kBool, g(func(s *membershipStatus) val { return vBool(s.isAdmin) }))
	e.add("weight", kInt, g(func(s *membershipStatus) val { return vInt(s.id) }))
	e.add("is_active", kBool, g(func(*membershipStatus) val { return vBool(true) }))
	e.add("is_reserved", kBool, g(func(s *membershipStatus) val { return vBool(s.isAdmin) }))
	e.scan = func(_ *qctx, lo int64, fn func(row any) bool) {
		for _, s := range shippedStatuses() {
			if s.id >= lo && !fn(&s) {
				return
			}
		}
	}
	e.clone = func(row any) any { return row }
	e.actions["get"] = func(c *call) (*result, error) { return c.get(nil) }
	e.actions["getFields"] = getFields
	return e
}

// memberType is a row of civicrm_membership_type.
type memberType struct {
	id   int64
	name string
}

func membershipTypeEntity() *entity {
	e := newEntity("MembershipType")
	g := func(get func(t *memberType) val) getter {
		return func(_ *qctx, row any) val { return get(row.(*memberType)) }
	}
	e.add("id", kInt, g(func(t *memberType) val { return vInt(t.id) }))
	e.add("name", kStr, g(func(t *memberType) val { return vStr(t.name) }))
	e.add("title", kStr, g(func(t *memberType) val { return vStr(t.name) }))
	e.add("member_of_contact_id", kInt, g(func(*memberType) val { return vInt(4) }))
	e.add("is_active", kBool, g(func(*memberType) val { return vBool(true) }))
	e.scan = func(q *qctx, lo int64, fn func(row any) bool) {
		for i, n := range q.st.memberTypes {
			if int64(i+1) >= lo && !fn(&memberType{id: int64(i + 1), name: n}) {
				return
			}
		}
	}
	e.clone = func(row any) any { return row }
	e.actions["get"] = func(c *call) (*result, error) { return c.get(nil) }
	e.actions["getFields"] = getFields
	return e
}
