package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/civivote/civivote/election"
)

// MemberChallenges backs the challenged ballot of a member off the roll. The store
// implements it; it is an interface here so web does not import store.
type MemberChallenges interface {
	// ChallengeVoter returns the contact a challenge link was issued to, as the roster has
	// them, in election slug (election.ErrNotFound for an unknown election).
	ChallengeVoter(ctx context.Context, slug string, contactID int64) (*election.Voter, error)
	// Standing says whether v is off the roll, has voted or cast a challenged ballot.
	Standing(ctx context.Context, v *election.Voter, now time.Time) (election.Standing, error)
	// CastChallengedBallot stores b apart from the count with v's reason and returns the
	// receipt code; see store.DB.CastChallengedBallot for the refusals.
	CastChallengedBallot(ctx context.Context, v *election.Voter, reason string, b election.Ballot, now time.Time) (string, error)
}

// Challenges is everything challenged ballots need: the member's side and the committee's.
type Challenges interface {
	MemberChallenges
	ChallengeRulings
}

// challengeCookie holds a challenge link's token once opened, like linkCookie, scoped to
// the challenged-ballot pages of its election.
const challengeCookie = "civivote_challenge"

func challengePath(slug string) string { return memberPath(slug) + "/challenge" }

// challengeRoutes registers the challenged-ballot pages and the committee's endpoints when
// Challenges is set.
//
// Two ways lead to the page. A member who lapsed keeps their personal link (the roll
// revokes it for voting, but it still finds them, so their page can say why they cannot
// vote); where the election takes challenged ballots and voting is open, that page sends
// them here. A member who joined after roll_closes, or lost their link, gets a challenge
// link from the committee (`civivote challenges link`, see election.ChallengeToken),
// which opens nothing but this page.
func (s *Server) challengeRoutes() {
	if s.challenges == nil {
		return
	}
	s.mux.Handle("GET /api/admin/elections/{slug}/challenges", s.api(RoleObserver, s.handleChallenges))
	s.mux.Handle("POST /api/admin/elections/{slug}/challenges/{id}", s.api(RoleAdmin, s.handleRuleChallenge))
	if s.voters == nil || s.ballots == nil || s.publicCandidates == nil {
		return
	}
	s.mux.Handle("GET /c/{slug}/{token}", s.page(s.throttledLink(s.handleChallengeLink)))
	s.mux.Handle("GET /member/{slug}/challenge", s.page(s.handleChallengePage))
	s.mux.Handle("POST /member/{slug}/challenge/review", s.page(s.handleChallengeReview))
	s.mux.Handle("POST /member/{slug}/challenge/cast", s.page(s.handleChallengeCast))
}

// handleChallengeLink serves GET /c/{slug}/{token}: like a personal link it only checks
// the token, moves it into a cookie and redirects, so a mail scanner changes nothing.
func (s *Server) handleChallengeLink(w http.ResponseWriter, r *http.Request) error {
	slug, token := r.PathValue("slug"), r.PathValue("token")
	if _, err := election.ParseChallengeToken(s.tokenSecret, slug, token); err != nil {
		return errLinkNotFound
	}
	http.SetCookie(w, &http.Cookie{
		Name:     challengeCookie,
		Value:    token,
		Path:     challengePath(slug),
		HttpOnly: true,
		Secure:   s.secureCookies,
		SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, challengePath(slug), http.StatusSeeOther)
	return nil
}

// challenger returns the member behind a challenged-ballot page: the holder of a
// challenge link for this election, or else of a personal link. Its form token is keyed
// by the hash of whichever token it came with.
func (s *Server) challenger(r *http.Request) (*member, error) {
	slug := r.PathValue("slug")
	if c, err := r.Cookie(challengeCookie); err == nil {
		contactID, err := election.ParseChallengeToken(s.tokenSecret, slug, c.Value)
		if err != nil {
			return nil, errNoLink
		}
		v, err := s.challenges.ChallengeVoter(r.Context(), slug, contactID)
		if err != nil {
			return nil, err
		}
		return &member{Voter: v, hash: election.HashToken(c.Value)}, nil
	}
	return s.memberOf(r)
}

// offersChallenge says whether a member the roll turns away should be sent to the
// challenged ballot instead: the election takes them and voting is open.
func (s *Server) offersChallenge(e *election.Election) bool {
	return s.challenges != nil && s.ballots != nil && e.CheckChallengesAllowed(s.now()) == nil
}

// challengeGate checks that m may cast a challenged ballot now. When not, it writes the
// page that says why (voted, challenged already, voting shut) and returns done, or returns
// the error the error page explains (on the roll, not allowed here).
func (s *Server) challengeGate(w http.ResponseWriter, r *http.Request, m *member, status int) (done bool, err error) {
	e := m.Election
	if err := e.CheckChallengesAllowed(s.now()); err != nil {
		if errors.Is(err, election.ErrWindowClosed) {
			return true, s.renderVotingShut(w, status, e, err)
		}
		return false, err
	}
	st, err := s.challenges.Standing(r.Context(), m.Voter, s.now())
	if err != nil {
		return false, err
	}
	switch {
	case st.Voted:
		return true, s.renderVoted(w, status, e)
	case st.Challenge != "":
		return true, s.renderChallenged(w, status, e, st.Challenge)
	case st.OffRoll == "":
		return false, st.CheckChallenge(e)
	}
	return false, nil
}

// handleChallengePage serves GET /member/{slug}/challenge: what a challenged ballot is,
// the reason field and the ballot. It only reads.
func (s *Server) handleChallengePage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.challenger(r)
	if err != nil {
		return err
	}
	if done, err := s.challengeGate(w, r, m, http.StatusOK); done || err != nil {
		return err
	}
	return s.renderChallenge(w, r, m, http.StatusOK, nil, "", nil)
}

// postedChallenger reads a challenged-ballot POST: the member, the form token, and
// whether they may still cast one. done is true when a page saying why not was written.
func (s *Server) postedChallenger(w http.ResponseWriter, r *http.Request) (m *member, done bool, err error) {
	if m, err = s.challenger(r); err != nil {
		return nil, false, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		if tl := tooLarge(err, "The form was too long to be read, and nothing was saved. Go back, shorten your reason and submit it again."); tl != nil {
			return nil, false, tl
		}
		return nil, false, election.Errorf(election.ErrInvalid, "The form could not be read. Go back and submit it again.")
	}
	if err := s.checkFormToken(r, m); err != nil {
		return nil, false, err
	}
	done, err = s.challengeGate(w, r, m, http.StatusConflict)
	return m, done, err
}

// ballotFields is the posted form without the reason, as readBallot and the ballot view
// expect it.
func ballotFields(form map[string][]string) map[string][]string {
	out := make(map[string][]string, len(form))
	for k, v := range form {
		if k != "reason" {
			out[k] = v
		}
	}
	return out
}

// handleChallengeReview serves POST /member/{slug}/challenge/review: the reason and
// choices shown back before the cast, or the form again with every problem listed.
func (s *Server) handleChallengeReview(w http.ResponseWriter, r *http.Request) error {
	m, done, err := s.postedChallenger(w, r)
	if done || err != nil {
		return err
	}
	raw := r.PostForm.Get("reason")
	form := ballotFields(r.PostForm)
	if form[changeField] != nil {
		return s.renderChallenge(w, r, m, http.StatusOK, form, raw, nil)
	}
	paper, cands, err := s.ballotOf(r.Context(), m.Election)
	if err != nil {
		return err
	}
	reason, reasonErr := election.CheckChallengeReason(raw)
	choices, _, ballotErr := readBallot(paper, form)
	var fe *election.FormError
	if ballotErr != nil && !errors.As(ballotErr, &fe) {
		return s.renderInvalidBallot(w, m.Election, ballotErr)
	}
	if reasonErr != nil || ballotErr != nil {
		return s.renderChallenge(w, r, m, http.StatusUnprocessableEntity, form, raw, joinFormErrors(reasonErr, ballotErr))
	}
	return s.views.render(w, http.StatusOK, "challenge_review", challengeReviewView{
		reviewView: s.newReviewView(m, paper, cands, choices), Reason: reason, Path: challengePath(m.Election.Definition.Slug),
	})
}

// handleChallengeCast serves POST /member/{slug}/challenge/cast: everything is checked
// again and the challenged ballot stored; the answer is the receipt page itself.
func (s *Server) handleChallengeCast(w http.ResponseWriter, r *http.Request) error {
	m, done, err := s.postedChallenger(w, r)
	if done || err != nil {
		return err
	}
	e := m.Election
	paper, err := s.ballots.BallotPaper(r.Context(), e)
	if err != nil {
		return err
	}
	_, b, err := readBallot(paper, ballotFields(r.PostForm))
	if err != nil {
		return s.renderInvalidBallot(w, e, err)
	}
	receipt, err := s.challenges.CastChallengedBallot(r.Context(), m.Voter, r.PostForm.Get("reason"), b, s.now())
	switch {
	case errors.Is(err, election.ErrAlreadyVoted) || errors.Is(err, election.ErrWindowClosed):
		// Something changed since the checks above (a concurrent cast, the close): say what.
		if done, gateErr := s.challengeGate(w, r, m, http.StatusConflict); done || gateErr != nil {
			return gateErr
		}
		return err
	case errors.Is(err, election.ErrInvalid):
		return s.renderInvalidBallot(w, e, err)
	case err != nil:
		return err
	}
	return s.renderReceipt(w, "challenge_receipt", "Your challenged ballot is recorded", e.Definition, receipt)
}
