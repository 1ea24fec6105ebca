package web

import (
	"context"
	"net/http"
	"time"

	"github.com/civivote/civivote/election"
)

// Nominations keeps members' nominations of themselves. The store implements it; it is
// an interface here so web does not import store and the pages can be tested without one.
type Nominations interface {
	// MemberCandidacies returns every nomination (of any status) the member made in the
	// election.
	MemberCandidacies(ctx context.Context, electionID, contactID int64) ([]election.Candidate, error)
	// Nominate checks and stores v's nomination of themselves (see
	// election.Definition.Nominate for its errors).
	Nominate(ctx context.Context, v *election.Voter, n election.Nomination, now time.Time) (election.Candidate, error)
	// Withdraw withdraws v's nomination for the position while nominations are open.
	Withdraw(ctx context.Context, v *election.Voter, positionKey string, now time.Time) error
}

// flashes are the messages a redirect after a successful POST may ask the page to show;
// the query names one, so nothing from the URL is ever echoed.
var flashes = map[string]string{
	"saved":     "Your nomination is saved. The election committee will check it; this page shows when they have.",
	"withdrawn": "Your nomination is withdrawn. You can nominate yourself again until nominations close.",
}

// handleMemberPage serves GET /member/{slug}: the member's page, reached through the
// cookie their personal link set. It only reads.
func (s *Server) handleMemberPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.memberOf(r)
	if err != nil {
		return err
	}
	if err := m.CheckInGoodStanding(); err != nil {
		if s.offersChallenge(m.Election) {
			// Lapsed while voting is open where challenged ballots are taken: see challengeRoutes.
			http.Redirect(w, r, challengePath(m.Election.Definition.Slug), http.StatusSeeOther)
			return nil
		}
		return err
	}
	if s.inVotingStage(m.Election) {
		return s.serveVotingPage(w, r, m)
	}
	own, err := s.nominations.MemberCandidacies(r.Context(), m.Election.ID, m.ContactID)
	if err != nil {
		return err
	}
	v := s.newMemberView(m, own, nil)
	v.Flash = flashes[r.URL.Query().Get("done")]
	return s.views.render(w, http.StatusOK, "member", v)
}
