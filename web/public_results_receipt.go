package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"

	"github.com/civivote/civivote/election"
)

// receiptCheckView is the data of the receipt check: the form, and after a POST either the
// counted ballot or what to check when the code is not found.
type receiptCheckView struct {
	Title, Heading string
	Base           string // /elections/SLUG
	CSRF           string
	Code           string // as typed, kept in the field
	Errors         []errorLink
	FieldError     string
	// Checked is true after a look-up: Found says whether a counted ballot has Canonical.
	Checked   bool
	Found     bool
	Canonical string
	Ballot    []receiptChoice
	Contact   string
}

// receiptChoice is one position of the counted ballot.
type receiptChoice struct {
	Title   string
	Choices []string // names; empty means left blank
}

// receiptFormToken is the csrf field of the receipt form. The form is public, so the
// token is bound to the election only: with CrossOriginProtection it keeps other sites
// from posting codes through a visitor's browser.
func (s *Server) receiptFormToken(slug string) string {
	mac := hmac.New(sha256.New, s.tokenSecret)
	mac.Write([]byte("receipt-check:" + slug))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// receiptPage returns the receipt check's view for the election's publication, or the
// not-yet-published page's error.
func (s *Server) receiptPage(r *http.Request) (*receiptCheckView, *election.ResultsDoc, error) {
	p, err := s.results.Publication(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, nil, err
	}
	doc, err := election.ParseResults(p.ResultsJSON)
	if err != nil {
		return nil, nil, fmt.Errorf("web: published results of %s: %w", p.Slug, err)
	}
	return &receiptCheckView{
		Title: "Check your receipt code – " + doc.Election.Title, Heading: doc.Election.Title,
		Base: "/elections/" + p.Slug, CSRF: s.receiptFormToken(p.Slug), Contact: s.contact,
	}, doc, nil
}

// handleReceiptForm serves GET /elections/{slug}/receipt: a form for a receipt code.
// The code is posted, never put in the URL, so it stays out of logs and histories.
func (s *Server) handleReceiptForm(w http.ResponseWriter, r *http.Request) error {
	v, _, err := s.receiptPage(r)
	if errors.Is(err, election.ErrNotFound) {
		return s.renderUnpublished(w, r)
	}
	if err != nil {
		return err
	}
	return s.views.render(w, http.StatusOK, "results_receipt", v)
}

// handleReceiptCheck serves POST /elections/{slug}/receipt: it says whether a counted
// ballot has the code and, if so, shows its choices by name, as ballots.json lists them.
// A malformed code is answered 422 with the form; a code no counted ballot has, 404
// with what to check.
func (s *Server) handleReceiptCheck(w http.ResponseWriter, r *http.Request) error {
	v, doc, err := s.receiptPage(r)
	if errors.Is(err, election.ErrNotFound) {
		return s.renderUnpublished(w, r)
	}
	if err != nil {
		return err
	}
	got := r.PostFormValue("csrf")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(v.CSRF)) != 1 {
		return errFormToken
	}
	v.Code = r.PostFormValue("receipt")
	code, err := election.ParseReceiptCode(v.Code)
	if err != nil {
		v.FieldError = err.Error()
		if v.Code == "" {
			v.FieldError = "Enter the receipt code you were given when you voted, like K7QF9-XMC2R-TAHV3."
		}
		v.Errors = []errorLink{{Href: "#receipt", Message: v.FieldError}}
		return s.views.render(w, http.StatusUnprocessableEntity, "results_receipt", v)
	}
	// Receipt codes are secrets like personal links: guessing them shares the links' limits.
	if err := s.linkThrottle.Check(r); err != nil {
		return err
	}
	v.Checked, v.Canonical = true, code
	choices, err := s.results.PublishedBallot(r.Context(), doc.Election.Slug, code)
	if errors.Is(err, election.ErrNotFound) {
		s.linkThrottle.Fail(r)
		return s.views.render(w, http.StatusNotFound, "results_receipt", v)
	}
	if err != nil {
		return err
	}
	v.Found = true
	for _, p := range doc.Positions {
		rc := receiptChoice{Title: p.Title}
		for _, id := range choices[p.Key] {
			rc.Choices = append(rc.Choices, doc.Name(p.Key, id))
		}
		v.Ballot = append(v.Ballot, rc)
	}
	return s.views.render(w, http.StatusOK, "results_receipt", v)
}
