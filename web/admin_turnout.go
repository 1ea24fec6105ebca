package web

import (
	"context"
	"net/http"
	"time"

	"github.com/civivote/civivote/election"
)

// Turnouts reports how much of an election's roll has voted. It is an interface so the
// admin API can be tested without a database; *store.DB implements it.
type Turnouts interface {
	// Turnout counts voters marked as voted, overall and by local hour; an unknown slug
	// is an error of kind election.ErrNotFound.
	Turnout(ctx context.Context, slug string) (*election.Turnout, error)
}

// turnoutRoutes adds the turnout endpoint when Turnouts is set.
func (s *Server) turnoutRoutes() {
	if s.turnouts == nil {
		return
	}
	s.mux.Handle("GET /api/admin/elections/{slug}/turnout", s.api(RoleObserver, s.handleTurnout))
}

type turnoutJSON struct {
	Election string            `json:"election"`
	Eligible int               `json:"eligible"`
	Voted    int               `json:"voted"`
	Share    float64           `json:"share"`
	ByHour   []hourTurnoutJSON `json:"by_hour"`
}

type hourTurnoutJSON struct {
	// Start is the hour's first instant with the election's UTC offset, so a reader sees
	// the local hour and can still tell the two 01:00 hours of an autumn night apart.
	Start time.Time `json:"start"`
	Voted int       `json:"voted"`
}

// handleTurnout answers GET /api/admin/elections/{slug}/turnout: who has voted in
// number only, never who or how.
func (s *Server) handleTurnout(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	t, err := s.turnouts.Turnout(r.Context(), slug)
	if err != nil {
		return err
	}
	out := turnoutJSON{Election: slug, Eligible: t.Eligible, Voted: t.Voted, Share: t.Share(),
		ByHour: make([]hourTurnoutJSON, 0, len(t.ByHour))}
	for _, h := range t.ByHour {
		out.ByHour = append(out.ByHour, hourTurnoutJSON{h.Start, h.Voted})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
