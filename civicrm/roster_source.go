package civicrm

import (
	"context"
	"iter"

	"github.com/civivote/civivote/roster"
)

// RosterSource lets the roster sync read members through a Client: it implements
// roster.Source, translating the client's types into the roster's.
type RosterSource struct {
	client *Client
	query  MemberQuery
}

// NewRosterSource returns the roster's view of c, reading the memberships q selects (its
// Types and PageSize; AfterID is ignored, a sync always reads everything).
func NewRosterSource(c *Client, q MemberQuery) *RosterSource {
	q.AfterID = 0
	return &RosterSource{client: c, query: q}
}

// Memberships streams the current memberships in ascending membership id.
func (s *RosterSource) Memberships(ctx context.Context) iter.Seq2[roster.Membership, error] {
	return func(yield func(roster.Membership, error) bool) {
		for m, err := range s.client.Memberships(ctx, s.query) {
			if err != nil {
				yield(roster.Membership{}, err)
				return
			}
			if !yield(roster.Membership{
				ID: m.ID, ContactID: m.ContactID, DisplayName: m.DisplayName, Email: m.Email,
				ExternalID: m.ExternalID, Type: m.Type, Status: m.Status,
				JoinDate: m.JoinDate, StartDate: m.StartDate, EndDate: m.EndDate,
			}, nil) {
				return
			}
		}
	}
}

// PageSize is the limit of each page the client asks for.
func (s *RosterSource) PageSize() int {
	if s.query.PageSize > 0 {
		return min(s.query.PageSize, maxPageSize)
	}
	return s.client.cfg.PageSize
}

// CountCurrent counts the memberships Memberships would return.
func (s *RosterSource) CountCurrent(ctx context.Context) (int, error) {
	return s.client.CountCurrentMembers(ctx, s.query)
}

// ContactStates says what became of contacts no longer returned.
func (s *RosterSource) ContactStates(ctx context.Context, ids []int64) (map[int64]roster.ContactState, error) {
	states, err := s.client.ContactStates(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]roster.ContactState, len(states))
	for id, st := range states {
		out[id] = roster.ContactState{Exists: st.Exists, Deleted: st.Deleted, Deceased: st.Deceased, MergedInto: st.MergedInto}
	}
	return out, nil
}

var _ roster.Source = (*RosterSource)(nil)
