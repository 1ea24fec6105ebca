package civicrm

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// PostalAddress is a contact's name and primary postal address as a letter
// needs them, read from CiviCRM when the letter is printed (civivote never
// mirrors addresses).
type PostalAddress struct {
	ContactID int64
	Name      string   // addressee_display ("Ms Jane Doe"), else display_name
	Lines     []string // street, supplemental lines, city and postal code, country: blank ones left out
}

// postalSelect is what Address.get returns for a letter. The field names are those of
// civicrm-core's schema/Core/Address.entityType.php (the recorded transcripts have no
// Address call): street_address, supplemental_address_1–3, city, postal_code,
// state_province_id and country_id, whose ":label" suffix gives the name instead of the
// id, and the implicit join contact_id.* for the name.
func postalSelect() []string {
	return []string{"contact_id", "contact_id.display_name", "contact_id.addressee_display",
		"street_address", "supplemental_address_1", "supplemental_address_2", "supplemental_address_3",
		"city", "postal_code", "state_province_id:label", "country_id:label"}
}

// PostalAddresses reads the primary address of each contact in ids
// (Address.get, is_primary, 500 contacts per call). Contacts without one are
// absent from the map: they cannot be written to.
func (c *Client) PostalAddresses(ctx context.Context, ids []int64) (map[int64]PostalAddress, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make(map[int64]PostalAddress, len(ids))
	for chunk := range slices.Chunk(ids, lookupBatch) {
		res, err := apiCall[map[string]any](ctx, c, "Address", "get", getParams{
			Select: postalSelect(),
			Where:  []any{cond("contact_id", "IN", chunk), cond("is_primary", "=", true)},
			Limit:  len(chunk),
		})
		if err != nil {
			return nil, fmt.Errorf("civicrm: postal addresses: %w", err)
		}
		for _, row := range res.Values {
			a := postalOf(row)
			if a.ContactID > 0 && len(a.Lines) > 0 {
				out[a.ContactID] = a
			}
		}
	}
	return out, nil
}

func postalOf(row map[string]any) PostalAddress {
	str := func(k string) string {
		s, _ := row[k].(string)
		return strings.TrimSpace(s)
	}
	id, _ := row["contact_id"].(float64)
	a := PostalAddress{ContactID: int64(id), Name: str("contact_id.addressee_display")}
	if a.Name == "" {
		a.Name = str("contact_id.display_name")
	}
	town := strings.TrimSpace(strings.Join(slices.DeleteFunc([]string{str("city"), str("state_province_id:label")},
		func(s string) bool { return s == "" }), ", "))
	for _, l := range []string{str("street_address"), str("supplemental_address_1"), str("supplemental_address_2"),
		str("supplemental_address_3"), town, str("postal_code"), str("country_id:label")} {
		if l != "" {
			a.Lines = append(a.Lines, l)
		}
	}
	return a
}

// EmailsOnHold lists the contacts whose primary email CiviCRM holds
// (Email.on_hold: 1 after bounces, 2 opted out of bulk mail): a CiviMail
// mailing does not reach them, so they need a letter. One keyset-paged
// Contact.get over the whole site: held emails are few, and asking by id
// would cost a call per 500 members.
func (c *Client) EmailsOnHold(ctx context.Context) ([]int64, error) {
	var out []int64
	last := int64(0)
	const page = 1000
	for {
		res, err := apiCall[struct {
			ID int64 `json:"id"`
		}](ctx, c, "Contact", "get", getParams{
			Select: []string{"id"},
			Where: []any{cond("email_primary.on_hold", ">", 0), cond("is_deleted", "=", false),
				cond("id", ">", last)},
			OrderBy: byID(), Limit: page,
		})
		if err != nil {
			return nil, fmt.Errorf("civicrm: emails on hold after contact %d: %w", last, err)
		}
		for _, v := range res.Values {
			out = append(out, v.ID)
			last = max(last, v.ID)
		}
		if len(res.Values) < page {
			return out, nil
		}
	}
}
