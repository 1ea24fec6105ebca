package web

import (
	"context"
	"net/http"
	"time"

	"github.com/civivote/civivote/election"
)

// Ballots is the secret ballot: the paper members vote on and the cast itself. The store
// implements it; it is an interface here so web does not import store.
type Ballots interface {
	// BallotPaper returns the election's ballot paper: its positions, seats and accepted
	// candidates, fixed once voting opens.
	BallotPaper(ctx context.Context, e *election.Election) (*election.BallotPaper, error)
	// CastBallot records b as v's ballot in one transaction and returns the receipt code.
	// A second cast is election.ErrAlreadyVoted and stores nothing.
	CastBallot(ctx context.Context, v *election.Voter, b election.Ballot, now time.Time) (receipt string, err error)
}

// inVotingStage says the member's page is about voting rather than nominations:
// nominations have closed (so the next thing a member can do is vote), voting has opened
// by the clock, or it is over.
func (s *Server) inVotingStage(e *election.Election) bool {
	if s.ballots == nil {
		return false
	}
	return !e.State.Before(election.NominationsClosed) || !s.now().Before(e.Definition.Voting.Opens)
}

// votingStatusView is the data of the pages that say the member cannot vote now: voting
// is not open (yet, or any more), or they have voted.
type votingStatusView struct {
	Title, Heading, Message, Contact string
	// Voted says the member has voted: the page says so rather than why voting is shut.
	Voted bool
	// After says voting has closed, so results are (or will be) published.
	After         bool
	Closes        string
	Voting        string
	ResultsURL    string
	CandidatesURL string
}

func (s *Server) newVotingStatus(e *election.Election) votingStatusView {
	d := e.Definition
	return votingStatusView{Heading: d.Title, Contact: s.contact, Closes: d.FormatTime(d.Voting.Closes),
		Voting:        election.FormatWindow(d.Voting, d.Location),
		ResultsURL:    "/elections/" + d.Slug + "/results",
		CandidatesURL: "/elections/" + d.Slug + "/candidates",
	}
}

// renderVoted renders the "you have already voted" page: it neither shows nor can show
// how the member voted, or their receipt code, since nothing links them to their ballot.
func (s *Server) renderVoted(w http.ResponseWriter, status int, e *election.Election) error {
	v := s.newVotingStatus(e)
	v.Voted = true
	v.Title = "You have already voted – " + e.Definition.Title
	return s.views.render(w, status, "voting_status", v)
}

// renderVotingShut renders the page for a member who comes when voting is not open: when
// it opens, or that it closed and where the results will be. why is the domain's message.
func (s *Server) renderVotingShut(w http.ResponseWriter, status int, e *election.Election, why error) error {
	v := s.newVotingStatus(e)
	v.Message = why.Error()
	v.After = !e.State.Before(election.VotingClosed) || !s.now().Before(e.Definition.Voting.Closes)
	if v.After {
		v.Title = "Voting has closed – " + e.Definition.Title
	} else {
		v.Title = "Voting is not open yet – " + e.Definition.Title
	}
	return s.views.render(w, status, "voting_status", v)
}

// serveVotingPage is the member's page once voting has opened: the ballot, or a page
// saying they have voted or that voting is shut. It only reads.
func (s *Server) serveVotingPage(w http.ResponseWriter, r *http.Request, m *member) error {
	e := m.Election
	if m.Voted {
		return s.renderVoted(w, http.StatusOK, e)
	}
	if err := e.CheckVotingOpen(s.now()); err != nil {
		return s.renderVotingShut(w, http.StatusOK, e, err)
	}
	return s.renderBallot(w, r, m, http.StatusOK, nil, nil)
}

// renderBallot renders the ballot, ticking form's choices and listing problems (if any).
func (s *Server) renderBallot(w http.ResponseWriter, r *http.Request, m *member, status int, form map[string][]string, problems error) error {
	paper, cands, err := s.ballotOf(r.Context(), m.Election)
	if err != nil {
		return err
	}
	v := s.newBallotView(m, paper, cands, form)
	if problems != nil {
		v.addErrors(problems)
	}
	return s.views.render(w, status, "ballot", v)
}

// ballotOf returns the election's ballot paper and its accepted candidates, whose names
// and statements the paper (ids only) does not hold.
func (s *Server) ballotOf(ctx context.Context, e *election.Election) (*election.BallotPaper, []election.Candidate, error) {
	paper, err := s.ballots.BallotPaper(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	_, cands, err := s.publicCandidates.PublicCandidates(ctx, e.Definition.Slug)
	if err != nil {
		return nil, nil, err
	}
	return paper, cands, nil
}
