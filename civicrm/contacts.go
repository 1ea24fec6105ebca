package civicrm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ContactState is what CiviCRM says about a contact the roster mirrors but
// Memberships no longer returned.
type ContactState struct {
	ID       int64
	Exists   bool // false: deleted for good (or purged from the trash)
	Deleted  bool // in the trash (is_deleted)
	Deceased bool
	// MergedInto is the contact this one was merged into, when CiviCRM
	// recorded a merge (Contact.getMergedTo, from the "Contact Deleted by
	// Merge" activity); 0 otherwise or when the site cannot tell.
	MergedInto int64
}

// ContactStates looks the contacts up (Contact.get by id, 500 per call;
// selecting by id keeps trashed contacts in the answer) and, for those
// trashed or gone, asks Contact.getMergedTo, one call each. getMergedTo is
// in CiviCRM since 5.x (6.18 has it); where the action does not exist the
// merge is left unknown and a warning logged, the rest still answered.
func (c *Client) ContactStates(ctx context.Context, ids []int64) (map[int64]ContactState, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make(map[int64]ContactState, len(ids))
	for _, id := range ids {
		out[id] = ContactState{ID: id}
	}
	for chunk := range slices.Chunk(ids, lookupBatch) {
		res, err := apiCall[struct {
			ID         int64 `json:"id"`
			IsDeleted  bool  `json:"is_deleted"`
			IsDeceased bool  `json:"is_deceased"`
		}](ctx, c, "Contact", "get", getParams{
			Select: []string{"id", "is_deleted", "is_deceased"}, Where: []any{cond("id", "IN", chunk)},
		})
		if err != nil {
			return nil, fmt.Errorf("civicrm: contact states: %w", err)
		}
		for _, v := range res.Values {
			if _, asked := out[v.ID]; asked {
				out[v.ID] = ContactState{ID: v.ID, Exists: true, Deleted: v.IsDeleted, Deceased: v.IsDeceased}
			}
		}
	}
	for _, id := range ids {
		st := out[id]
		if st.Exists && !st.Deleted {
			continue
		}
		into, err := c.mergedTo(ctx, id)
		var e *APIError
		if errors.As(err, &e) && e.Kind == KindValidation && strings.Contains(e.Message, "does not exist") {
			c.log.Warn("this CiviCRM has no Contact.getMergedTo: merged contacts are reported as deleted")
			break
		}
		if err != nil {
			return nil, fmt.Errorf("civicrm: contact states: merge of contact %d: %w", id, err)
		}
		st.MergedInto = into
		out[id] = st
	}
	return out, nil
}

// mergedTo asks Contact.getMergedTo. Its answer is [{"id":N}] when a merge
// is recorded and [null] when not (GetMergedTo.php appends its empty
// finding), so values are decoded loosely. N is the contact of that one
// merge, which may itself have been merged on since.
func (c *Client) mergedTo(ctx context.Context, id int64) (int64, error) {
	res, err := apiCall[json.RawMessage](ctx, c, "Contact", "getMergedTo",
		map[string]int64{"contactId": id})
	if err != nil {
		return 0, err
	}
	for _, raw := range res.Values {
		var v struct {
			ID int64 `json:"id"`
		}
		if json.Unmarshal(raw, &v) == nil && v.ID > 0 && v.ID != id {
			return v.ID, nil
		}
	}
	return 0, nil
}
