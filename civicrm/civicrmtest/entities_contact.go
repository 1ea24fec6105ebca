package civicrmtest

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
)

// contactGetter adapts a func of *Contact to a getter.
func contactGetter(get func(q *qctx, c *Contact) val) getter {
	return func(q *qctx, row any) val { return get(q, row.(*Contact)) }
}

func contactEntity() *entity {
	e := newEntity("Contact")
	add := func(name string, k kind, forType string, get func(q *qctx, c *Contact) val) {
		e.add(name, k, contactGetter(get)).forType = forType
	}
	null := func(*qctx, *Contact) val { return vNull() }
	no := func(*qctx, *Contact) val { return vBool(false) }
	ind, org := "Individual", "Organization"
	greetingID := func(q *qctx, c *Contact) val {
		if c.install || c.ContactType == org {
			return vNull()
		}
		return vInt(1)
	}
	greeting := func(q *qctx, c *Contact) val {
		if c.install || c.ContactType == org {
			return vNull()
		}
		return vStr("Dear " + c.FirstName)
	}
	add("id", kInt, "", func(_ *qctx, c *Contact) val { return vInt(c.ID) })
	add("contact_type", kStr, "", func(_ *qctx, c *Contact) val { return vStr(c.ContactType) })
	add("external_identifier", kStr, "", func(_ *qctx, c *Contact) val { return vOpt(c.ExternalID) })
	add("display_name", kStr, "", func(_ *qctx, c *Contact) val { return vStr(c.DisplayName()) })
	add("organization_name", kStr, org, func(_ *qctx, c *Contact) val { return vOpt(c.Organization) })
	add("contact_sub_type", kStr, "", null)
	add("first_name", kStr, ind, func(_ *qctx, c *Contact) val { return vOpt(c.FirstName) })
	add("middle_name", kStr, ind, null)
	add("last_name", kStr, ind, func(_ *qctx, c *Contact) val { return vOpt(c.LastName) })
	for _, n := range []string{"do_not_email", "do_not_phone", "do_not_mail", "do_not_sms", "do_not_trade", "is_opt_out"} {
		add(n, kBool, "", no)
	}
	add("legal_identifier", kStr, "", null)
	add("sort_name", kStr, "", func(_ *qctx, c *Contact) val { return vStr(c.sortName()) })
	add("nick_name", kStr, "", null)
	add("legal_name", kStr, org, func(_ *qctx, c *Contact) val {
		if c.install {
			return vStr(c.Organization)
		}
		return vNull()
	})
	add("image_URL", kStr, "", null)
	add("preferred_communication_method", kStr, "", null)
	add("preferred_language", kStr, "", func(_ *qctx, c *Contact) val {
		if c.install {
			return vNull()
		}
		return vStr("en_US")
	})
	add("hash", kStr, "", func(_ *qctx, c *Contact) val {
		if c.install {
			return vNull()
		}
		return vStr(contactHash(c.ID))
	})
	add("api_key", kStr, "", func(q *qctx, c *Contact) val { return vOpt(q.srv.keyOf(c.ID)) })
	add("source", kStr, "", func(_ *qctx, c *Contact) val { return vOpt(c.Source) })
	add("prefix_id", kInt, ind, null)
	add("suffix_id", kInt, ind, null)
	add("formal_title", kStr, ind, null)
	add("communication_style_id", kInt, "", func(_ *qctx, c *Contact) val {
		if c.install {
			return vNull()
		}
		return vInt(1)
	})
	add("email_greeting_id", kInt, "", greetingID)
	add("email_greeting_custom", kStr, "", null)
	add("email_greeting_display", kStr, "", greeting)
	add("postal_greeting_id", kInt, "", greetingID)
	add("postal_greeting_custom", kStr, "", null)
	add("postal_greeting_display", kStr, "", greeting)
	add("addressee_id", kInt, "", func(_ *qctx, c *Contact) val {
		switch {
		case c.install:
			return vNull()
		case c.ContactType == org:
			return vInt(3)
		}
		return vInt(1)
	})
	add("addressee_custom", kStr, "", null)
	add("addressee_display", kStr, "", func(_ *qctx, c *Contact) val {
		if c.install {
			return vNull()
		}
		return vStr(c.DisplayName())
	})
	add("job_title", kStr, ind, null)
	add("gender_id", kInt, ind, null)
	add("birth_date", kStr, ind, null)
	add("is_deceased", kBool, "", func(_ *qctx, c *Contact) val { return vBool(c.IsDeceased) })
	add("deceased_date", kStr, "", null)
	add("sic_code", kStr, org, null)
	add("user_unique_id", kStr, "", null)
	add("employer_id", kInt, ind, null)
	add("is_deleted", kBool, "", func(_ *qctx, c *Contact) val { return vBool(c.IsDeleted) })
	add("created_date", kStr, "", func(q *qctx, c *Contact) val {
		if c.install {
			return vNull()
		}
		return vStr(q.srv.stamp(c.created))
	})
	add("modified_date", kStr, "", func(q *qctx, c *Contact) val { return vStr(q.srv.stamp(c.modified)) })
	add("preferred_mail_format", kStr, "", func(*qctx, *Contact) val { return vStr("Both") })

	e.extra("email_primary.email", kStr, contactGetter(func(_ *qctx, c *Contact) val { return vOpt(c.Email) }))
	e.extra("email_primary.on_hold", kInt, contactGetter(func(_ *qctx, c *Contact) val {
		if c.Email == "" {
			return vNull()
		}
		return vInt(int64(c.EmailOnHold))
	}))
	e.extra("email_primary", kInt, contactGetter(func(_ *qctx, c *Contact) val {
		if c.Email == "" {
			return vNull()
		}
		return vInt(c.ID)
	}))
	groups := e.extra("groups", kInt, contactGetter(null))
	groups.hidden = true
	groups.match = matchGroups
	e.dynamic = customFieldOf
	e.scan = func(q *qctx, lo int64, fn func(row any) bool) {
		q.st.scanContacts(lo, func(c *Contact) bool { return fn(c) })
	}
	e.clone = func(row any) any {
		c := *row.(*Contact)
		return &c
	}
	e.actions["get"] = contactGet
	e.actions["update"] = contactUpdate
	e.actions["save"] = contactSave
	e.actions["create"] = contactCreate
	e.actions["delete"] = contactDelete
	e.actions["getFields"] = getFields
	e.actions["getMergedTo"] = contactGetMergedTo
	return e
}

// customFieldOf resolves "Group.field" to a Contact custom field.
func customFieldOf(q *qctx, name string) *field {
	for _, cf := range q.st.custom {
		if cf.key() == name {
			key := name
			return &field{name: name, kind: kStr, get: contactGetter(func(_ *qctx, c *Contact) val {
				v, ok := c.Custom[key]
				if !ok {
					return vNull()
				}
				return vStr(v)
			})}
		}
	}
	return nil
}

// matchGroups filters on the "groups" field: the contact's groups with
// status Added.
func matchGroups(q *qctx, row any, op string, arg any) (bool, error) {
	c := row.(*Contact)
	ids := asList(arg)
	if ids == nil {
		ids = []any{arg}
	}
	in := false
	for _, g := range ids {
		gid := convert(kInt, g).i
		if id, ok := q.st.gcByPair[[2]int64{gid, c.ID}]; ok && q.st.groupContacts[id].Status == "Added" {
			in = true
			break
		}
	}
	if strings.HasPrefix(op, "NOT") || op == "!=" || op == "<>" {
		return !in, nil
	}
	return in, nil
}

// contactHash mimics civicrm_contact.hash: 32 hex digits, stable per id.
func contactHash(id int64) string {
	sum := md5.Sum([]byte("civicrmtest-contact-" + strconv.FormatInt(id, 10)))
	return hex.EncodeToString(sum[:])
}
