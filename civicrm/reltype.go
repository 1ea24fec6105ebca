package civicrm

import (
	"context"
	"fmt"
	"strings"
)

type relationshipType struct {
	ID           int64  `json:"id"`
	ContactTypeA string `json:"contact_type_a"`
	ContactTypeB string `json:"contact_type_b"`
	IsActive     bool   `json:"is_active"`
}

// checkRelationshipType finds the officer relationship type and creates it
// when missing and allowed (RelationshipType.save with match on name_a_b,
// idempotent: transcript 78).
func (c *Client) checkRelationshipType(ctx context.Context, o SelfCheckOptions, rep *SelfCheckReport,
	problem func(string, ...any)) {
	name := o.RelationshipType
	res, err := apiCall[relationshipType](ctx, c, "RelationshipType", "get", getParams{
		Select: []string{"id", "contact_type_a", "contact_type_b", "is_active"},
		Where:  []any{cond("name_a_b", "=", name)},
	})
	if err != nil {
		problem("looking up the relationship type %q: %v", name, err)
		return
	}
	if len(res.Values) == 0 {
		if !o.CreateRelationshipType {
			problem("the relationship type %q does not exist: create it (Individual to Organization) under "+
				"Administer > Customize Data and Screens > Relationship Types, or fix "+
				"CIVIVOTE_CIVICRM_OFFICER_RELATIONSHIP (its name_a_b)", name)
			return
		}
		reverse := o.RelationshipTypeReverse
		if reverse == "" {
			reverse = "Has " + strings.ToLower(strings.TrimSuffix(name, " of"))
		}
		res, err = apiCall[relationshipType](ctx, c, "RelationshipType", "save", saveParams{
			Records: []map[string]any{{
				"name_a_b": name, "label_a_b": name, "name_b_a": reverse, "label_b_a": reverse,
				"description":    "Created by civivote for elected officers",
				"contact_type_a": "Individual", "contact_type_b": "Organization", "is_active": true,
			}},
			Match: []string{"name_a_b"},
		})
		if err != nil {
			problem("creating the relationship type %q: %v", name, err)
			return
		}
		if len(res.Values) != 1 {
			problem("creating the relationship type %q: CiviCRM answered %d types", name, len(res.Values))
			return
		}
		rep.RelationshipTypeCreated = true
	}
	t := res.Values[0]
	rep.RelationshipTypeID = t.ID
	if !t.IsActive {
		problem("the relationship type %q (id %d) is disabled: enable it in CiviCRM", name, t.ID)
	}
	if (t.ContactTypeA != "" && t.ContactTypeA != "Individual") ||
		(t.ContactTypeB != "" && t.ContactTypeB != "Organization") {
		problem("the relationship type %q (id %d) links %s to %s; officers need Individual to Organization "+
			"(CiviCRM refuses other pairs with \"Invalid Relationship\")", name, t.ID,
			fmt.Sprint(orAny(t.ContactTypeA)), fmt.Sprint(orAny(t.ContactTypeB)))
	}
}

func orAny(s string) string {
	if s == "" {
		return "any contact"
	}
	return s
}
