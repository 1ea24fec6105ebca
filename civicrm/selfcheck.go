package civicrm

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// SelfCheckOptions says what civivote is configured to use. Empty or zero
// fields are not checked.
type SelfCheckOptions struct {
	LinkField    string // custom field for the voting link, e.g. "Union_Sync.voting_link"
	OrgContactID int64  // organisation officers relate to
	// RelationshipType is the officer relationship's name_a_b; with
	// CreateRelationshipType it is created (Individual → Organization,
	// reverse name RelationshipTypeReverse or "Has officer") when missing.
	RelationshipType        string
	RelationshipTypeReverse string
	CreateRelationshipType  bool
	// CheckWrites proves write permissions with updates that match nothing.
	CheckWrites bool
	Groups      []GroupSpec // groups to ensure (created when missing)
}

// GroupSpec names a mailing group.
type GroupSpec struct{ Name, Title string }

// SelfCheckReport is what the start-up check found. Problems lists every
// failure, each saying what to fix.
type SelfCheckReport struct {
	CurrentMembers          int    // memberships counted as current
	LinkFieldID             int64  // CustomField id of LinkField
	LinkToken               string // CiviMail token, e.g. "{contact.custom_1}"
	OrgName                 string
	RelationshipTypeID      int64
	RelationshipTypeCreated bool
	GroupIDs                map[string]int64 // by group name
	Problems                []string
}

// SelfCheck checks that the site is reachable, the API key works and has
// the permissions civivote needs, and that the configured field,
// organisation, relationship type and groups exist, creating the last two
// when allowed. It returns the report and, if anything failed, an error
// joining every problem. Unreachable sites and rejected keys stop the
// check early, as every later call would fail the same way.
func (c *Client) SelfCheck(ctx context.Context, o SelfCheckOptions) (SelfCheckReport, error) {
	rep := SelfCheckReport{GroupIDs: map[string]int64{}}
	problem := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }
	done := func() (SelfCheckReport, error) {
		if len(rep.Problems) == 0 {
			return rep, nil
		}
		return rep, fmt.Errorf("civicrm: self-check found %d problem(s):\n- %s", len(rep.Problems),
			strings.Join(rep.Problems, "\n- "))
	}

	if _, err := apiCall[struct{}](ctx, c, "Contact", "get", getParams{Select: []string{"id"}, Limit: 1}); err != nil {
		problem("%v", err)
		return done()
	}
	n, err := c.CountCurrentMembers(ctx, MemberQuery{})
	if err != nil {
		problem("reading memberships%s: %v", likely(err, "access CiviMember"), err)
	}
	rep.CurrentMembers = n

	if o.LinkField != "" {
		c.checkLinkField(ctx, o.LinkField, &rep, problem)
	}
	if o.CheckWrites {
		c.checkWrites(ctx, o.LinkField, problem)
	}
	if o.OrgContactID > 0 {
		c.checkOrg(ctx, o.OrgContactID, &rep, problem)
	}
	if o.RelationshipType != "" {
		c.checkRelationshipType(ctx, o, &rep, problem)
	}
	for _, g := range o.Groups {
		id, err := c.EnsureGroup(ctx, g.Name, g.Title)
		if err != nil {
			problem("%v", err)
			continue
		}
		rep.GroupIDs[g.Name] = id
	}
	return done()
}

func (c *Client) checkLinkField(ctx context.Context, field string, rep *SelfCheckReport, problem func(string, ...any)) {
	group, _, ok := strings.Cut(field, ".")
	if !ok {
		problem("the link field %q is not a custom field name like Union_Sync.voting_link: check "+
			"CIVIVOTE_CIVICRM_LINK_FIELD", field)
		return
	}
	res, err := apiCall[struct {
		Name          string `json:"name"`
		DataType      string `json:"data_type"`
		CustomFieldID int64  `json:"custom_field_id"`
	}](ctx, c, "Contact", "getFields", getParams{
		Select: []string{"name", "data_type", "custom_field_id"},
		Where:  []any{cond("name", "LIKE", group+".%")},
	})
	if err != nil {
		problem("looking up the link field %q: %v", field, err)
		return
	}
	var names []string
	for _, f := range res.Values {
		names = append(names, f.Name)
		if f.Name != field {
			continue
		}
		switch f.DataType {
		case "String", "Link", "Memo", "Text":
		default:
			problem("the link field %q holds %s, not text: make it an Alphanumeric or Link field", field, f.DataType)
		}
		rep.LinkFieldID = f.CustomFieldID
		rep.LinkToken = fmt.Sprintf("{contact.custom_%d}", f.CustomFieldID)
		return
	}
	if len(names) == 0 {
		problem("the link field %q does not exist: CiviCRM has no contact custom group %q (or the API user "+
			"cannot see it); create it under Administer > Custom Data, or fix CIVIVOTE_CIVICRM_LINK_FIELD "+
			"(machine names, not labels)", field, group)
		return
	}
	problem("the link field %q does not exist; custom group %q has: %s; fix CIVIVOTE_CIVICRM_LINK_FIELD",
		field, group, strings.Join(names, ", "))
}

// checkWrites runs writes that match nothing: CiviCRM checks the action's
// permission first, so a 403 means the key's user may not write.
func (c *Client) checkWrites(ctx context.Context, field string, problem func(string, ...any)) {
	values := map[string]any{"source": nil}
	if field != "" {
		values = map[string]any{field: nil}
	}
	_, err := apiCall[struct{}](ctx, c, "Contact", "update", updateParams{
		Where: []any{cond("id", "=", 0)}, Values: values,
	})
	if err != nil && !errors.Is(err, KindNotFound) {
		problem("checking that civivote may write contacts%s: %v", likely(err, "edit all contacts"), err)
	}
	_, err = apiCall[struct{}](ctx, c, "GroupContact", "update", updateParams{
		Where: []any{cond("group_id", "=", 0), cond("contact_id", "=", 0)}, Values: map[string]string{"status": "Removed"},
	})
	if err != nil {
		problem("checking that civivote may change group members%s: %v",
			likely(err, "edit all contacts' or 'edit groups"), err)
	}
}

// likely names the permission a 403 most probably means; CiviCRM's 403
// never says which one is missing.
func likely(err error, perm string) string {
	if errors.Is(err, KindPermission) {
		return fmt.Sprintf(" (most likely the permission '%s' is missing)", perm)
	}
	return ""
}

func (c *Client) checkOrg(ctx context.Context, id int64, rep *SelfCheckReport, problem func(string, ...any)) {
	res, err := apiCall[struct {
		ContactType string `json:"contact_type"`
		DisplayName string `json:"display_name"`
		IsDeleted   bool   `json:"is_deleted"`
	}](ctx, c, "Contact", "get", getParams{
		Select: []string{"contact_type", "display_name", "is_deleted"}, Where: []any{cond("id", "=", id)},
	})
	switch {
	case err != nil:
		problem("looking up the organisation contact %d: %v", id, err)
	case len(res.Values) == 0:
		problem("the organisation contact %d does not exist: check CIVIVOTE_CIVICRM_ORG_CONTACT_ID", id)
	case res.Values[0].IsDeleted:
		problem("the organisation contact %d (%s) is in the trash: restore it or fix CIVIVOTE_CIVICRM_ORG_CONTACT_ID",
			id, res.Values[0].DisplayName)
	case res.Values[0].ContactType != "Organization":
		problem("contact %d (%s) is an %s, not an Organization: check CIVIVOTE_CIVICRM_ORG_CONTACT_ID",
			id, res.Values[0].DisplayName, res.Values[0].ContactType)
	default:
		rep.OrgName = res.Values[0].DisplayName
	}
}
