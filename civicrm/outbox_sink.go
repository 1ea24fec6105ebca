package civicrm

import (
	"context"
	"errors"
	"fmt"

	"github.com/civivote/civivote/outbox"
)

// OutboxSink delivers the outbox's batches through a Client: it is the outbox.Sink of a
// running civivote.
type OutboxSink struct {
	c *Client
}

// NewOutboxSink returns a Sink writing through c.
func NewOutboxSink(c *Client) *OutboxSink { return &OutboxSink{c: c} }

// SetLinks writes voting links with one Contact.save; contacts CiviCRM no longer has are
// rejected, the rest saved.
func (s *OutboxSink) SetLinks(ctx context.Context, field string, links []outbox.ContactURL) ([]outbox.Rejection, error) {
	cl := make([]ContactLink, len(links))
	ids := make([]int64, len(links))
	for i, l := range links {
		cl[i] = ContactLink{ContactID: l.ContactID, URL: l.URL}
		ids[i] = l.ContactID
	}
	res, err := s.c.SaveLinks(ctx, field, cl)
	if err != nil {
		return nil, err
	}
	return missingRejections(ids, res.Missing, "its voting link was not written"), nil
}

// EnsureGroup creates the group if needed and returns its id.
func (s *OutboxSink) EnsureGroup(ctx context.Context, g outbox.Group) (int64, error) {
	return s.c.EnsureGroup(ctx, g.Name, g.Title)
}

// AddToGroup adds contacts with one GroupContact.save; contacts CiviCRM no longer has are
// rejected.
func (s *OutboxSink) AddToGroup(ctx context.Context, groupID int64, contactIDs []int64) ([]outbox.Rejection, error) {
	res, err := s.c.AddToGroup(ctx, groupID, contactIDs)
	if err != nil {
		return nil, err
	}
	return missingRejections(contactIDs, res.Missing,
		fmt.Sprintf("it was not added to group %d", groupID)), nil
}

// RemoveFromGroup marks contacts Removed; a contact not in the group is not an error.
func (s *OutboxSink) RemoveFromGroup(ctx context.Context, groupID int64, contactIDs []int64) ([]outbox.Rejection, error) {
	_, err := s.c.RemoveFromGroup(ctx, groupID, contactIDs)
	return nil, err
}

// SaveRelationships saves officers' tenures with one Relationship.save. A tenure CiviCRM
// refuses because the pair already has the type in the reverse direction is rejected; any
// other error fails the batch.
func (s *OutboxSink) SaveRelationships(ctx context.Context, rels []outbox.Relationship) ([]outbox.Rejection, error) {
	rs := make([]Relationship, len(rels))
	for i, r := range rels {
		rs[i] = Relationship{ID: r.ID, ContactIDA: r.ContactA, ContactIDB: r.ContactB, Type: r.Type,
			StartDate: r.Start, EndDate: r.End, Active: !r.Inactive, Description: r.Description}
	}
	saved, err := s.c.SaveRelationships(ctx, rs)
	if err == nil {
		return nil, nil
	}
	var e *APIError
	if !errors.As(err, &e) || e.Kind != KindValidation || len(saved) != len(rels) {
		return nil, err
	}
	var out []outbox.Rejection
	for i, v := range saved {
		if v.DuplicateOf > 0 {
			out = append(out, outbox.Rejection{Index: i, Reason: fmt.Sprintf("CiviCRM refused the relationship of "+
				"contact %d to %d: relationship %d already links them in the reverse direction; end or delete "+
				"it in CiviCRM, then retry this item", rels[i].ContactA, rels[i].ContactB, v.DuplicateOf)})
		}
	}
	if len(out) == 0 {
		return nil, err
	}
	return out, nil
}

// missingRejections rejects every record of the batch whose contact is in missing.
func missingRejections(ids, missing []int64, what string) []outbox.Rejection {
	if len(missing) == 0 {
		return nil
	}
	gone := make(map[int64]bool, len(missing))
	for _, id := range missing {
		gone[id] = true
	}
	var out []outbox.Rejection
	for i, id := range ids {
		if gone[id] {
			out = append(out, outbox.Rejection{Index: i, Reason: fmt.Sprintf("CiviCRM has no contact %d (deleted, "+
				"or merged into another and purged), so %s; if the contact was restored, retry this item", id, what)})
		}
	}
	return out
}
