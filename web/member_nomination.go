package web

import (
	"errors"
	"net/http"

	"github.com/civivote/civivote/election"
)

// maxFormBytes bounds a member form: a 300-word statement is a few kilobytes.
const maxFormBytes = 256 << 10

// postedMember reads a member's POST: who they are (their link cookie), the form within
// its size limit, and the form token, checked before anything is looked at or stored.
func (s *Server) postedMember(w http.ResponseWriter, r *http.Request) (*member, error) {
	m, err := s.memberOf(r)
	if err != nil {
		return nil, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		if tl := tooLarge(err, "The form was too long to be read, and nothing was saved. Go back, shorten your statement and submit it again."); tl != nil {
			return nil, tl
		}
		return nil, election.Errorf(election.ErrInvalid, "The form could not be read (it may be too long). Go back, shorten your statement and submit it again.")
	}
	if err := s.checkFormToken(r, m); err != nil {
		return nil, err
	}
	if err := m.CheckInGoodStanding(); err != nil {
		return nil, err
	}
	return m, nil
}

// handleNominate serves POST /member/{slug}/nomination: nominate oneself, or change
// one's nomination. A form with problems is shown again with every problem listed and
// the member's input kept; success redirects back to the page (post/redirect/get).
func (s *Server) handleNominate(w http.ResponseWriter, r *http.Request) error {
	m, err := s.postedMember(w, r)
	if err != nil {
		return err
	}
	in, n := readNomination(r.PostForm, m.Election.Definition)
	_, err = s.nominations.Nominate(r.Context(), m.Voter, n, s.now())
	var fe *election.FormError
	switch {
	case err == nil:
		http.Redirect(w, r, memberPath(m.Election.Definition.Slug)+"?done=saved", http.StatusSeeOther)
		return nil
	case errors.As(err, &fe), errors.Is(err, election.ErrConflict):
		own, lerr := s.nominations.MemberCandidacies(r.Context(), m.Election.ID, m.ContactID)
		if lerr != nil {
			return lerr
		}
		v := s.newMemberView(m, own, &in)
		v.addErrors(err)
		return s.views.render(w, http.StatusUnprocessableEntity, "member", v)
	}
	return err
}

// withdrawView is the data of the page that asks the member to confirm a withdrawal.
type withdrawView struct {
	Title, Heading, Slug, CSRF string
	PositionKey, PositionTitle string
}

// handleWithdrawConfirm serves GET /member/{slug}/withdraw?position=KEY: the question
// "are you sure?", as a page of its own so it works without JavaScript. It changes
// nothing.
func (s *Server) handleWithdrawConfirm(w http.ResponseWriter, r *http.Request) error {
	m, err := s.memberOf(r)
	if err != nil {
		return err
	}
	if err := m.CheckInGoodStanding(); err != nil {
		return err
	}
	if err := m.Election.CheckNominationsOpen(s.now()); err != nil {
		return err
	}
	key := r.URL.Query().Get("position")
	own, err := s.nominations.MemberCandidacies(r.Context(), m.Election.ID, m.ContactID)
	if err != nil {
		return err
	}
	for _, c := range own {
		if c.PositionKey == key && c.Active() {
			p, _ := m.Election.Definition.Position(key)
			return s.views.render(w, http.StatusOK, "withdraw", withdrawView{
				Title: "Withdraw your nomination – " + m.Election.Definition.Title, Heading: m.Election.Definition.Title,
				Slug: m.Election.Definition.Slug, CSRF: s.formToken(m), PositionKey: key, PositionTitle: p.Title})
		}
	}
	return election.Errorf(election.ErrNotFound, "You have no nomination for that position to withdraw. Go back to your page to see your nominations.")
}

// handleWithdraw serves POST /member/{slug}/withdraw: the confirmed withdrawal.
func (s *Server) handleWithdraw(w http.ResponseWriter, r *http.Request) error {
	m, err := s.postedMember(w, r)
	if err != nil {
		return err
	}
	if err := s.nominations.Withdraw(r.Context(), m.Voter, r.PostForm.Get("position"), s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, memberPath(m.Election.Definition.Slug)+"?done=withdrawn", http.StatusSeeOther)
	return nil
}
