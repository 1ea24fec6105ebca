package web

import (
	"context"
	"net/http"

	"github.com/civivote/civivote/election"
)

// PublicCandidates lists an election's accepted candidates for anyone to read. The store
// implements it; it is an interface here so web does not import store.
type PublicCandidates interface {
	// PublicCandidates returns the election and its accepted candidates, or an error of
	// kind election.ErrNotFound for an unknown slug.
	PublicCandidates(ctx context.Context, slug string) (*election.Election, []election.Candidate, error)
}

// candidatesView is the data of the public candidates page.
type candidatesView struct {
	Title, Heading string
	Positions      []publicPosition
}

type publicPosition struct {
	Key, Title    string
	Description   []string
	CoOfficership bool
	Candidates    []election.Candidate
}

// handleCandidates serves GET /elections/{slug}/candidates: the accepted candidates per
// position with their statements, for members and anyone else. Statements are plain text,
// escaped by the template and shown as paragraphs.
func (s *Server) handleCandidates(w http.ResponseWriter, r *http.Request) error {
	e, cands, err := s.publicCandidates.PublicCandidates(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	d := e.Definition
	v := candidatesView{Title: "Candidates – " + d.Title, Heading: d.Title}
	for _, p := range d.Positions {
		pp := publicPosition{Key: p.Key, Title: p.Title, Description: election.Paragraphs(p.Description), CoOfficership: p.CoOfficership}
		for _, c := range cands {
			if c.PositionKey == p.Key && c.Status == election.Accepted {
				pp.Candidates = append(pp.Candidates, c)
			}
		}
		v.Positions = append(v.Positions, pp)
	}
	w.Header().Set("Cache-Control", "no-cache")
	return s.views.render(w, http.StatusOK, "candidates", v)
}
