package civicrmtest

// addressRow is a primary address with its contact, as the SQL join sees
// it. The fake keeps one address per contact and gives it the contact's id.
type addressRow struct {
	a Address
	c Contact
}

// countries maps the ISO codes the fake uses to civicrm_country's id and
// name (CiviCRM's shipped country table).
func countries() map[string]struct {
	id   int64
	name string
} {
	return map[string]struct {
		id   int64
		name string
	}{
		"GB": {1226, "United Kingdom"},
		"IE": {1105, "Ireland"},
		"US": {1228, "United States"},
		"CA": {1039, "Canada"},
	}
}

func addressGetter(get func(r *addressRow) val) getter {
	return func(_ *qctx, row any) val { return get(row.(*addressRow)) }
}

// addressEntity serves Address.get with the fields of civicrm-core's
// schema/Core/Address.entityType.php that a postal letter needs; the rest
// of the table's columns are answered as NULL, as an address typed in by
// hand leaves them.
func addressEntity(contact *entity) *entity {
	e := newEntity("Address")
	null := addressGetter(func(*addressRow) val { return vNull() })
	country := func(r *addressRow) (int64, string) {
		c, ok := countries()[r.a.Country]
		if !ok {
			return 0, ""
		}
		return c.id, c.name
	}
	e.add("id", kInt, addressGetter(func(r *addressRow) val { return vInt(r.c.ID) }))
	e.add("contact_id", kInt, addressGetter(func(r *addressRow) val { return vInt(r.c.ID) }))
	e.add("location_type_id", kInt, addressGetter(func(r *addressRow) val { return vInt(r.a.LocationTypeID) }))
	e.add("is_primary", kBool, addressGetter(func(*addressRow) val { return vBool(true) }))
	e.add("is_billing", kBool, addressGetter(func(*addressRow) val { return vBool(false) }))
	e.add("street_address", kStr, addressGetter(func(r *addressRow) val { return vOpt(r.a.StreetAddress) }))
	for _, n := range []string{"street_number", "street_number_suffix", "street_name", "street_unit"} {
		e.add(n, kStr, null)
	}
	e.add("supplemental_address_1", kStr, addressGetter(func(r *addressRow) val { return vOpt(r.a.Supplemental1) }))
	e.add("supplemental_address_2", kStr, null)
	e.add("supplemental_address_3", kStr, null)
	e.add("city", kStr, addressGetter(func(r *addressRow) val { return vOpt(r.a.City) }))
	e.add("county_id", kInt, null)
	e.add("state_province_id", kInt, null)
	e.add("postal_code_suffix", kStr, null)
	e.add("postal_code", kStr, addressGetter(func(r *addressRow) val { return vOpt(r.a.PostalCode) }))
	e.add("country_id", kInt, addressGetter(func(r *addressRow) val { id, _ := country(r); return vID(id) }))
	e.add("geo_code_1", kStr, null)
	e.add("geo_code_2", kStr, null)
	e.add("manual_geo_code", kBool, addressGetter(func(*addressRow) val { return vBool(false) }))
	e.add("name", kStr, null)
	e.add("master_id", kInt, null)
	e.extra("state_province_id:label", kStr, null)
	e.extra("country_id:label", kStr, addressGetter(func(r *addressRow) val { _, n := country(r); return vOpt(n) }))
	e.extra("country_id:name", kStr, addressGetter(func(r *addressRow) val {
		if _, ok := countries()[r.a.Country]; !ok {
			return vNull()
		}
		return vStr(r.a.Country)
	}))
	e.joins["contact_id"] = join{contact, func(_ *qctx, row any) (any, bool) { return &row.(*addressRow).c, true }}
	e.scan = func(q *qctx, lo int64, fn func(row any) bool) {
		r := &addressRow{}
		q.st.scanContacts(lo, func(c *Contact) bool {
			a, ok := q.st.address(c.ID)
			if !ok {
				return true
			}
			r.a, r.c = a, *c
			return fn(r)
		})
	}
	e.clone = func(row any) any {
		r := *row.(*addressRow)
		return &r
	}
	e.actions["get"] = func(c *call) (*result, error) { return c.get(nil) }
	e.actions["getFields"] = getFields
	return e
}
