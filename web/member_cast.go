package web

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/civivote/civivote/election"
)

// ballotRoutes registers the review and cast actions; the ballot itself is the member's
// page (handleMemberPage) while voting is open.
func (s *Server) ballotRoutes() {
	if s.voters == nil || s.ballots == nil || s.publicCandidates == nil {
		return
	}
	s.mux.Handle("POST /member/{slug}/review", s.page(s.handleReview))
	s.mux.Handle("POST /member/{slug}/cast", s.page(s.handleCast))
}

// errTampered is the answer to a ballot form that no page of ours sends: a position that
// is not on the ballot, or fields that make no sense. Nothing is stored.
var errTampered = election.Errorf(election.ErrInvalid,
	"The ballot form was changed or damaged on its way here: it names a position that is not on this ballot.")

// checkBallotFields refuses a form with fields that are neither a position on the
// paper nor the form's own (csrf, change flag): ParseForm would silently ignore them.
func checkBallotFields(paper *election.BallotPaper, form map[string][]string) error {
	known := map[string]bool{"csrf": true, changeField: true}
	for _, c := range paper.Contests() {
		known[c.Key] = true
	}
	for name := range form {
		if !known[name] {
			return errTampered
		}
	}
	return nil
}

// readBallot reads and validates a posted ballot.
func readBallot(paper *election.BallotPaper, form map[string][]string) (election.Choices, election.Ballot, error) {
	if err := checkBallotFields(paper, form); err != nil {
		return nil, election.Ballot{}, err
	}
	choices, err := paper.ParseForm(form)
	if err != nil {
		return nil, election.Ballot{}, err
	}
	b, err := paper.Encode(choices)
	if err != nil {
		return nil, election.Ballot{}, err
	}
	return choices, b, nil
}

// votingMember reads a ballot POST: the member and form token (postedMember), then
// whether they may vote now. done is true when a page saying why not was written.
func (s *Server) votingMember(w http.ResponseWriter, r *http.Request) (m *member, done bool, err error) {
	m, err = s.postedMember(w, r)
	if err != nil {
		return nil, false, err
	}
	if m.Voted {
		return m, true, s.renderVoted(w, http.StatusConflict, m.Election)
	}
	if err := m.Election.CheckVotingOpen(s.now()); err != nil {
		return m, true, s.renderVotingShut(w, http.StatusConflict, m.Election, err)
	}
	return m, false, nil
}

// handleReview serves POST /member/{slug}/review: the member's choices shown back to
// them before the final cast, or the ballot again, with their choices kept, when they
// asked to change them or chose something the ballot does not allow. It stores nothing.
func (s *Server) handleReview(w http.ResponseWriter, r *http.Request) error {
	m, done, err := s.votingMember(w, r)
	if done || err != nil {
		return err
	}
	paper, cands, err := s.ballotOf(r.Context(), m.Election)
	if err != nil {
		return err
	}
	if r.PostForm.Get(changeField) != "" {
		return s.renderBallot(w, r, m, http.StatusOK, r.PostForm, nil)
	}
	choices, _, err := readBallot(paper, r.PostForm)
	var fe *election.FormError
	switch {
	case errors.As(err, &fe):
		return s.renderBallot(w, r, m, http.StatusUnprocessableEntity, r.PostForm, err)
	case err != nil:
		return s.renderInvalidBallot(w, m.Election, err)
	}
	return s.views.render(w, http.StatusOK, "review", s.newReviewView(m, paper, cands, choices))
}

// receiptView is the data of the confirmation page.
type receiptView struct {
	Title, Heading, Receipt, ResultsURL, Contact string
	Closes                                       string
}

// handleCast serves POST /member/{slug}/cast: it checks everything again (the review
// page's hidden fields are the member's to change) and casts the ballot. The answer is
// the confirmation page itself, not a redirect, so the receipt code is shown exactly once
// and never sits at a URL; reloading it re-posts and gets "you have already voted".
func (s *Server) handleCast(w http.ResponseWriter, r *http.Request) error {
	m, done, err := s.votingMember(w, r)
	if done || err != nil {
		return err
	}
	e := m.Election
	paper, err := s.ballots.BallotPaper(r.Context(), e)
	if err != nil {
		return err
	}
	_, b, err := readBallot(paper, r.PostForm)
	if err != nil {
		return s.renderInvalidBallot(w, e, err)
	}
	receipt, err := s.ballots.CastBallot(r.Context(), m.Voter, b, s.now())
	switch {
	case errors.Is(err, election.ErrAlreadyVoted):
		return s.renderVoted(w, http.StatusConflict, e)
	case errors.Is(err, election.ErrWindowClosed):
		return s.renderVotingShut(w, http.StatusConflict, e, err)
	case errors.Is(err, election.ErrInvalid):
		return s.renderInvalidBallot(w, e, err)
	case err != nil:
		return err
	}
	return s.renderReceipt(w, "receipt", "Your vote is recorded", e.Definition, receipt)
}

// renderReceipt shows a receipt code on page (the ballot's or the challenged ballot's
// receipt): once, and never cached, since nothing links the code to the member.
func (s *Server) renderReceipt(w http.ResponseWriter, page, title string, d *election.Definition, receipt string) error {
	w.Header().Set("Cache-Control", "no-store")
	return s.views.render(w, http.StatusOK, page, receiptView{
		Title: title + " – " + d.Title, Heading: d.Title, Receipt: receipt,
		ResultsURL: "/elections/" + d.Slug + "/results", Contact: s.contact, Closes: d.FormatTime(d.Voting.Closes),
	})
}

// renderInvalidBallot answers a ballot that no honest form sends (422): what was wrong
// and what to do, with nothing recorded.
func (s *Server) renderInvalidBallot(w http.ResponseWriter, e *election.Election, err error) error {
	msgs := strings.Split(err.Error(), "\n")
	sort.Strings(msgs)
	return s.views.render(w, http.StatusUnprocessableEntity, "ballot_refused", errorView{
		Title:   "Your ballot was not recorded – " + e.Definition.Title,
		Heading: "Your ballot was not recorded",
		Message: strings.Join(msgs, " "),
		Contact: s.contact,
		Home:    memberPath(e.Definition.Slug),
	})
}
