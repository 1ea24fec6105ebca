package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/civivote/civivote/election"
)

// challengeView is the challenged-ballot page: the ballot (its contests as on the
// ordinary ballot) with what a challenged ballot is and the reason field.
type challengeView struct {
	*ballotView
	// OffRoll says, in words, what the roll shows of the member.
	OffRoll   string
	Path      string
	Reason    string
	ReasonErr []string
	MaxReason int
}

// renderChallenge renders the challenged-ballot form, keeping what the member entered
// (form, reason) and listing problems, the reason's first.
func (s *Server) renderChallenge(w http.ResponseWriter, r *http.Request, m *member, status int, form map[string][]string, reason string, problems error) error {
	paper, cands, err := s.ballotOf(r.Context(), m.Election)
	if err != nil {
		return err
	}
	st, err := s.challenges.Standing(r.Context(), m.Voter, s.now())
	if err != nil {
		return err
	}
	d := m.Election.Definition
	v := challengeView{ballotView: s.newBallotView(m, paper, cands, form), OffRoll: st.OffRoll.Describe(),
		Path: challengePath(d.Slug), Reason: reason, MaxReason: election.MaxChallengeReason}
	v.Title = "Challenged ballot – " + d.Title
	if problems != nil {
		var fe *election.FormError
		if errors.As(problems, &fe) {
			var rest []election.FieldError
			for _, p := range fe.Problems {
				if p.Field == "reason" {
					v.ReasonErr = append(v.ReasonErr, p.Message)
					v.Errors = append(v.Errors, errorLink{Href: "#reason", Message: p.Message})
				} else {
					rest = append(rest, p)
				}
			}
			problems = nil
			if len(rest) > 0 {
				problems = &election.FormError{Problems: rest}
			}
		}
		if problems != nil {
			v.addErrors(problems)
		}
		if !strings.HasPrefix(v.Title, "Error: ") {
			v.Title = "Error: " + v.Title
		}
	}
	return s.views.render(w, status, "challenge", v)
}

// joinFormErrors puts the problems of several checks of one form into one FormError.
func joinFormErrors(errs ...error) error {
	var all []election.FieldError
	for _, err := range errs {
		var fe *election.FormError
		if errors.As(err, &fe) {
			all = append(all, fe.Problems...)
		}
	}
	return &election.FormError{Problems: all}
}

// challengeReviewView is the review page of a challenged ballot: the choices, the reason,
// and forms posting to the challenge's own cast and review.
type challengeReviewView struct {
	*reviewView
	Reason string
	Path   string
}

// challengedView is the page of a member who has cast a challenged ballot.
type challengedView struct {
	votingStatusView
	Status election.ChallengeStatus
}

// renderChallenged says the member has cast their challenged ballot and where it stands.
func (s *Server) renderChallenged(w http.ResponseWriter, status int, e *election.Election, st election.ChallengeStatus) error {
	v := challengedView{votingStatusView: s.newVotingStatus(e), Status: st}
	v.Title = "You have cast a challenged ballot – " + e.Definition.Title
	return s.views.render(w, status, "challenge_status", v)
}
