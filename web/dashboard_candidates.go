package web

import (
	"net/http"
	"strings"

	"github.com/civivote/civivote/election"
)

// findCandidate returns candidate id of election slug as the committee sees it.
func (s *Server) findCandidate(r *http.Request, slug string, id int64) (election.Candidate, error) {
	if s.candidates == nil {
		return election.Candidate{}, election.Errorf(election.ErrNotFound, "candidates are not configured in this server")
	}
	list, err := s.candidates.Candidates(r.Context(), slug)
	if err != nil {
		return election.Candidate{}, err
	}
	for _, c := range list {
		if c.ID == id {
			return c, nil
		}
	}
	return election.Candidate{}, election.Errorf(election.ErrNotFound, "election %s has no candidate %d", slug, id)
}

// handleDashAccept accepts a candidate: POST /admin/elections/{slug}/candidates/{id}/accept.
// Acceptance can be undone by rejecting, so it needs no confirmation.
func (s *Server) handleDashAccept(w http.ResponseWriter, r *http.Request, _ adminPage) error {
	id, err := candidateParam(r)
	if err != nil {
		return err
	}
	slug := r.PathValue("slug")
	if err := s.candidates.AcceptCandidate(r.Context(), slug, id, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/elections/"+slug+"?done=accepted#candidate-"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// rejectView asks for the reason of a rejection, which the candidate will read.
type rejectView struct {
	adminPage
	Slug, ElectionTitle string
	Candidate           dashCandidate
	Position            string
	Reason              string
}

func (s *Server) rejectView(r *http.Request, p adminPage) (rejectView, error) {
	id, err := candidateParam(r)
	if err != nil {
		return rejectView{}, err
	}
	slug := r.PathValue("slug")
	se, err := s.elections.GetElection(r.Context(), slug)
	if err != nil {
		return rejectView{}, err
	}
	c, err := s.findCandidate(r, slug, id)
	if err != nil {
		return rejectView{}, err
	}
	d := se.Election.Definition
	pos, _ := d.Position(c.PositionKey)
	p.Title, p.Section = "Reject "+c.Name, "elections"
	return rejectView{adminPage: p, Slug: slug, ElectionTitle: d.Title, Position: pos.Title,
		Candidate: dashCandidate{ID: c.ID, ContactID: c.ContactID, Name: c.Name, Status: string(c.Status), Statement: c.Statement}}, nil
}

// handleDashRejectPage asks for the reason: GET /admin/elections/{slug}/candidates/{id}/reject.
func (s *Server) handleDashRejectPage(w http.ResponseWriter, r *http.Request, p adminPage) error {
	v, err := s.rejectView(r, p)
	if err != nil {
		return err
	}
	return s.views.render(w, http.StatusOK, "admin_reject", v)
}

// handleDashReject rejects a candidate with a reason:
// POST /admin/elections/{slug}/candidates/{id}/reject. Without a reason the form comes
// back with the problem and nothing changes.
func (s *Server) handleDashReject(w http.ResponseWriter, r *http.Request, p adminPage) error {
	v, err := s.rejectView(r, p)
	if err != nil {
		return err
	}
	v.Reason = strings.TrimSpace(r.PostForm.Get("reason"))
	if v.Reason == "" {
		v.Title = "Error: " + v.Title
		v.Errors = []formError{{"#reason", "Give the reason for the rejection: the candidate will see it"}}
		return s.views.render(w, http.StatusBadRequest, "admin_reject", v)
	}
	if err := s.candidates.RejectCandidate(r.Context(), v.Slug, v.Candidate.ID, v.Reason, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/elections/"+v.Slug+"?done=rejected#candidate-"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}
