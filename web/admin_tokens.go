package web

import (
	"context"
	"net/http"
	"time"
)

// Links issues members' personal links on the committee's request. The store does it, with
// the token secret and link field that cmd/civivote holds; declared here so web needs
// neither.
type Links interface {
	// IssueLinks brings the election's roll up to date (see store.IssueLinks).
	IssueLinks(ctx context.Context, slug, actor string, now time.Time) (LinkReport, error)
	// ReissueLink gives one member a new link; the old one stops working.
	ReissueLink(ctx context.Context, slug string, contactID int64, actor string, now time.Time) error
}

// LinkReport says what issuing an election's links did.
type LinkReport struct {
	Issued     int  `json:"issued"`
	Restored   int  `json:"restored"`
	Revoked    int  `json:"revoked"`
	Held       int  `json:"held"` // eligible after the roll closed: no link
	RollClosed bool `json:"roll_closed"`
}

// outboxNote tells the admin where the links go next.
const outboxNote = "links and group changes reach CiviCRM through the outbox; send the announcement once its backlog is empty"

func (s *Server) tokenRoutes() {
	if s.links == nil {
		return
	}
	s.mux.Handle("POST /api/admin/elections/{slug}/tokens", s.api(RoleAdmin, s.handleIssueTokens))
	s.mux.Handle("POST /api/admin/elections/{slug}/tokens/{contact}/reissue", s.api(RoleAdmin, s.handleReissueToken))
}

// handleIssueTokens is `tokens issue` over HTTP: POST /api/admin/elections/{slug}/tokens.
func (s *Server) handleIssueTokens(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	rep, err := s.links.IssueLinks(r.Context(), slug, Actor(r.Context()), s.now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"election": slug, "links": rep, "note": outboxNote})
	return nil
}

// handleReissueToken is `tokens reissue` over HTTP:
// POST /api/admin/elections/{slug}/tokens/{contact}/reissue.
func (s *Server) handleReissueToken(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	contact, err := contactParam(r)
	if err != nil {
		return err
	}
	if err := s.links.ReissueLink(r.Context(), slug, contact, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"election": slug, "contact_id": contact, "reissued": true,
		"note": "the old link no longer works; " + outboxNote})
	return nil
}
