package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/civivote/civivote/election"
)

// CandidateReview is the committee's side of nominations: the full list and the decisions.
// It is an interface so the admin API can be tested without a database; *store.DB
// implements it.
type CandidateReview interface {
	// Candidates returns every nomination in the election, whatever its status, or an
	// error of kind election.ErrNotFound for an unknown slug.
	Candidates(ctx context.Context, slug string) ([]election.Candidate, error)
	AcceptCandidate(ctx context.Context, slug string, id int64, actor string, now time.Time) error
	// RejectCandidate needs a reason, which the candidate is shown.
	RejectCandidate(ctx context.Context, slug string, id int64, reason, actor string, now time.Time) error
}

// candidateRoutes adds the committee's candidate endpoints when a CandidateReview is set.
func (s *Server) candidateRoutes() {
	if s.candidates == nil {
		return
	}
	s.mux.Handle("GET /api/admin/elections/{slug}/candidates", s.api(RoleObserver, s.handleAdminCandidates))
	s.mux.Handle("POST /api/admin/elections/{slug}/candidates/{id}/accept", s.api(RoleAdmin, s.handleAcceptCandidate))
	s.mux.Handle("POST /api/admin/elections/{slug}/candidates/{id}/reject", s.api(RoleAdmin, s.handleRejectCandidate))
}

type candidateJSON struct {
	ID                   int64                    `json:"id"`
	ContactID            int64                    `json:"contact_id"`
	Name                 string                   `json:"name"`
	Position             string                   `json:"position"`
	Status               election.CandidateStatus `json:"status"`
	Reason               string                   `json:"reason,omitempty"`
	CoOfficershipConsent bool                     `json:"co_officership_consent"`
	StatementWords       int                      `json:"statement_words"`
	Statement            string                   `json:"statement"`
}

func candidateOf(c election.Candidate) candidateJSON {
	return candidateJSON{ID: c.ID, ContactID: c.ContactID, Name: c.Name, Position: c.PositionKey, Status: c.Status,
		Reason: c.RejectionReason, CoOfficershipConsent: c.CoOfficershipConsent,
		StatementWords: election.CountWords(c.Statement), Statement: c.Statement}
}

// handleAdminCandidates lists every nomination: GET /api/admin/elections/{slug}/candidates.
func (s *Server) handleAdminCandidates(w http.ResponseWriter, r *http.Request) error {
	list, err := s.candidates.Candidates(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	out := make([]candidateJSON, 0, len(list))
	for _, c := range list {
		out = append(out, candidateOf(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"election": r.PathValue("slug"), "candidates": out})
	return nil
}

// handleAcceptCandidate is `candidates accept` over HTTP:
// POST /api/admin/elections/{slug}/candidates/{id}/accept.
func (s *Server) handleAcceptCandidate(w http.ResponseWriter, r *http.Request) error {
	id, err := candidateID(r)
	if err != nil {
		return err
	}
	slug := r.PathValue("slug")
	if err := s.candidates.AcceptCandidate(r.Context(), slug, id, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	return s.writeCandidate(w, r, slug, id)
}

// handleRejectCandidate is `candidates reject` over HTTP:
// POST /api/admin/elections/{slug}/candidates/{id}/reject with {"reason": "…"}.
func (s *Server) handleRejectCandidate(w http.ResponseWriter, r *http.Request) error {
	id, err := candidateID(r)
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	slug := r.PathValue("slug")
	if err := s.candidates.RejectCandidate(r.Context(), slug, id, body.Reason, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	return s.writeCandidate(w, r, slug, id)
}

// writeCandidate answers a decision with the candidate as it now stands.
func (s *Server) writeCandidate(w http.ResponseWriter, r *http.Request, slug string, id int64) error {
	list, err := s.candidates.Candidates(r.Context(), slug)
	if err != nil {
		return err
	}
	for _, c := range list {
		if c.ID == id {
			writeJSON(w, http.StatusOK, map[string]any{"candidate": candidateOf(c)})
			return nil
		}
	}
	return election.Errorf(election.ErrNotFound, "election %s has no candidate %d", slug, id)
}

func candidateID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("%q is not a candidate id: GET /api/admin/elections/%s/candidates lists them", r.PathValue("id"), r.PathValue("slug"))
	}
	return id, nil
}
