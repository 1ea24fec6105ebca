package web

import (
	"context"
	"net/http"
	"time"
)

// Writebacks records an election's elected officers in CiviCRM (through the outbox) and
// says how far those writes have got. cmd/civivote implements it over the store and the
// CiviCRM client, which reads the current officers when previous holders are ended.
type Writebacks interface {
	// QueueWriteback queues the write-back of a published election; before publication
	// it is an error of kind election.ErrWrongState, without the organisation contact one
	// of kind election.ErrInvalid.
	QueueWriteback(ctx context.Context, slug, actor string, now time.Time) (WritebackResult, error)
	// WritebackItems lists the election's write-back writes with their outbox state; an
	// unknown slug is an error of kind election.ErrNotFound.
	WritebackItems(ctx context.Context, slug string) ([]WritebackItem, error)
}

// WritebackResult is what a write-back queued.
type WritebackResult struct {
	Election string             `json:"election"`
	Revision int                `json:"results_revision"`
	Officers []WritebackOfficer `json:"officers"`
	Ended    []WritebackEnded   `json:"ended_previous"`
	// Queued counts writes new to the outbox, AlreadyQueued those an earlier write-back
	// queued, which are not queued twice.
	Queued        int  `json:"queued"`
	AlreadyQueued int  `json:"already_queued"`
	WrittenBack   bool `json:"moved_to_written_back"`
}

// WritebackOfficer is one elected officer as written back; dates are YYYY-MM-DD.
type WritebackOfficer struct {
	Position  string `json:"position"`
	Title     string `json:"title"`
	ContactID int64  `json:"contact_id"`
	Name      string `json:"name"`
	Start     string `json:"start_date"`
	End       string `json:"end_date"`
}

// WritebackEnded is a previous holder's relationship that the write-back ends.
type WritebackEnded struct {
	RelationshipID int64  `json:"relationship_id"`
	ContactID      int64  `json:"contact_id"`
	Position       string `json:"position"`
	End            string `json:"end_date"`
	Inactive       bool   `json:"inactive"`
}

// WritebackItem is one write-back write in the outbox.
type WritebackItem struct {
	ID    int64  `json:"id"`
	State string `json:"state"` // pending, failed, done or superseded
	// RelationshipID is set on the end of a previous holder's relationship.
	RelationshipID int64      `json:"relationship_id,omitempty"`
	ContactID      int64      `json:"contact_id"`
	Description    string     `json:"description"`
	Start          string     `json:"start_date,omitempty"`
	End            string     `json:"end_date"`
	Inactive       bool       `json:"inactive,omitempty"`
	Attempts       int        `json:"attempts"`
	LastError      string     `json:"last_error,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	DoneAt         *time.Time `json:"done_at,omitempty"`
}

// writebackCounts sums an election's write-back items by state.
type writebackCounts struct {
	Pending    int `json:"pending"`
	Failed     int `json:"failed"`
	Delivered  int `json:"delivered"`
	Superseded int `json:"superseded"`
}

type writebackStatusJSON struct {
	Election string          `json:"election"`
	Counts   writebackCounts `json:"counts"`
	Items    []WritebackItem `json:"items"`
}

// writebackRoutes adds the write-back endpoints when Writebacks is set.
func (s *Server) writebackRoutes() {
	if s.writebacks == nil {
		return
	}
	s.mux.Handle("POST /api/admin/elections/{slug}/writeback", s.api(RoleAdmin, s.handleWriteback))
	s.mux.Handle("GET /api/admin/elections/{slug}/writeback", s.api(RoleObserver, s.handleWritebackStatus))
}

// handleWriteback answers POST /api/admin/elections/{slug}/writeback: it queues the
// officers for CiviCRM and answers what was queued and the state of every write-back item.
func (s *Server) handleWriteback(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	res, err := s.writebacks.QueueWriteback(r.Context(), slug, Actor(r.Context()), s.now())
	if err != nil {
		return err
	}
	if res.Officers == nil {
		res.Officers = []WritebackOfficer{}
	}
	if res.Ended == nil {
		res.Ended = []WritebackEnded{}
	}
	st, err := s.writebackStatus(r.Context(), slug)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		WritebackResult
		Outbox writebackStatusJSON `json:"outbox"`
	}{res, st})
	return nil
}

// handleWritebackStatus answers GET /api/admin/elections/{slug}/writeback: the election's
// write-back items and how far each has got to CiviCRM.
func (s *Server) handleWritebackStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.writebackStatus(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) writebackStatus(ctx context.Context, slug string) (writebackStatusJSON, error) {
	items, err := s.writebacks.WritebackItems(ctx, slug)
	if err != nil {
		return writebackStatusJSON{}, err
	}
	out := writebackStatusJSON{Election: slug, Items: items}
	if out.Items == nil {
		out.Items = []WritebackItem{}
	}
	for _, it := range items {
		switch it.State {
		case "pending":
			out.Counts.Pending++
		case "failed":
			out.Counts.Failed++
		case "done":
			out.Counts.Delivered++
		default:
			out.Counts.Superseded++
		}
	}
	return out, nil
}
