package civicrm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// EnsureGroup makes sure a mailing-list group with this machine name
// exists (Group.save with match on name: idempotent) and returns its id.
// The title shows in CiviMail. CiviCRM keeps titles unique too, so a new
// name with a title another group already has fails; the error names that
// group.
func (c *Client) EnsureGroup(ctx context.Context, name, title string) (int64, error) {
	if name == "" || title == "" {
		return 0, errors.New("civicrm: ensure group: name and title are required")
	}
	res, err := apiCall[struct {
		ID int64 `json:"id"`
	}](ctx, c, "Group", "save", saveParams{
		Records: []map[string]any{{"name": name, "title": title, "group_type:name": []string{"Mailing List"}}},
		Match:   []string{"name"},
	})
	if err != nil {
		var e *APIError
		if errors.As(err, &e) && e.Kind == KindValidation && strings.Contains(e.Message, "already exists") {
			return 0, c.titleTaken(ctx, name, title, err)
		}
		return 0, fmt.Errorf("civicrm: ensure group %q: %w", name, err)
	}
	if len(res.Values) != 1 || res.Values[0].ID <= 0 {
		return 0, fmt.Errorf("civicrm: ensure group %q: Group.save answered %d groups without an id", name,
			len(res.Values))
	}
	return res.Values[0].ID, nil
}

// titleTaken explains Group.save's "DB Error: already exists".
func (c *Client) titleTaken(ctx context.Context, name, title string, cause error) error {
	res, err := apiCall[struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}](ctx, c, "Group", "get", getParams{
		Select: []string{"id", "name"}, Where: []any{cond("title", "=", title)}, Limit: 1,
	})
	if err != nil || len(res.Values) == 0 {
		return fmt.Errorf("civicrm: ensure group %q: CiviCRM says a group with this name or title %q "+
			"already exists (titles are unique too): rename that group in CiviCRM: %w", name, title, cause)
	}
	g := res.Values[0]
	return fmt.Errorf("civicrm: ensure group %q: the title %q is already used by group %d (name %q), and "+
		"CiviCRM keeps titles unique: rename that group's title in CiviCRM, or change the election's "+
		"slug so civivote uses another title: %w", name, title, g.ID, g.Name, cause)
}

// AddToGroup adds contacts to a group (GroupContact.save, match on
// group_id and contact_id: idempotent, and turns Removed back into Added).
// Contacts that no longer exist are dropped and reported in Missing.
func (c *Client) AddToGroup(ctx context.Context, groupID int64, contactIDs []int64) (SaveResult, error) {
	var res SaveResult
	if err := checkBatch(len(contactIDs)); err != nil {
		return res, fmt.Errorf("civicrm: add to group %d: %w", groupID, err)
	}
	err := c.saveDroppingMissing(ctx, "GroupContact", contactIDs, &res, func(keep []int) error {
		records := make([]map[string]int64, len(keep))
		for i, k := range keep {
			records[i] = map[string]int64{"contact_id": contactIDs[k]}
		}
		_, err := apiBatch[struct{}](ctx, c, "GroupContact", "save", len(records), saveParams{
			Defaults: map[string]any{"group_id": groupID, "status": "Added"},
			Records:  records,
			Match:    []string{"group_id", "contact_id"},
		})
		return err
	})
	if err != nil {
		return res, fmt.Errorf("civicrm: add to group %d: %w", groupID, err)
	}
	return res, nil
}

// RemoveFromGroup marks contacts Removed from a group (GroupContact.update;
// the rows stay, keeping CiviCRM's subscription history) and returns how
// many rows changed. Contacts not in the group are not an error.
func (c *Client) RemoveFromGroup(ctx context.Context, groupID int64, contactIDs []int64) (int, error) {
	if err := checkBatch(len(contactIDs)); err != nil {
		return 0, fmt.Errorf("civicrm: remove from group %d: %w", groupID, err)
	}
	res, err := apiBatch[struct{}](ctx, c, "GroupContact", "update", len(contactIDs), updateParams{
		Where:  []any{cond("group_id", "=", groupID), cond("contact_id", "IN", contactIDs)},
		Values: map[string]string{"status": "Removed"},
	})
	if err != nil {
		return 0, fmt.Errorf("civicrm: remove from group %d: %w", groupID, err)
	}
	return len(res.Values), nil
}

// VerifyGroup counts which of contactIDs are in the group (status Added)
// and reports an error unless all are (in is true) or none are (in is
// false). It reads counts only, so it is cheap enough for every batch.
func (c *Client) VerifyGroup(ctx context.Context, groupID int64, contactIDs []int64, in bool) error {
	ids := slices.Compact(slices.Sorted(slices.Values(contactIDs)))
	added := 0
	for chunk := range slices.Chunk(ids, lookupBatch) {
		res, err := apiCall[struct{}](ctx, c, "GroupContact", "get", getParams{
			Select: []string{"row_count"},
			Where: []any{cond("group_id", "=", groupID), cond("contact_id", "IN", chunk),
				cond("status", "=", "Added")},
		})
		if err != nil {
			return fmt.Errorf("civicrm: verify group %d: %w", groupID, err)
		}
		if res.Matched < 0 {
			return fmt.Errorf("civicrm: verify group %d: the answer has no countMatched", groupID)
		}
		added += res.Matched
	}
	want := 0
	if in {
		want = len(ids)
	}
	if added != want {
		return fmt.Errorf("civicrm: verify group %d: %d of %d contacts are in the group, expected %d: "+
			"the writes did not all land (or someone changed the group meanwhile); they will be redone",
			groupID, added, len(ids), want)
	}
	return nil
}
