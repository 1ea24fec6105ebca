package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/civivote/civivote/election"
)

// Voters finds the member behind a personal link. The store implements it; it is an
// interface here so web does not import store and the pages can be tested without one.
type Voters interface {
	// VoterByToken returns the voter whose current link has this SHA-256, or an error of
	// kind election.ErrNotFound for an unknown, revoked or superseded link.
	VoterByToken(ctx context.Context, hash [32]byte) (*election.Voter, error)
}

// linkCookie holds the personal-link token once the link has been opened, so the token
// leaves the URL (and the browser history, and any Referer) after the first request.
const linkCookie = "civivote_link"

// handleLink serves GET /v/{token}: it only looks the token up and, for a working link,
// moves it into a cookie scoped to the member's page and redirects there. It changes
// nothing stored, so a mail scanner fetching the link does no harm. Unknown and revoked
// tokens get the same page.
func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) error {
	v, err := s.voterOfToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	slug := v.Election.Definition.Slug
	http.SetCookie(w, &http.Cookie{
		Name:     linkCookie,
		Value:    r.PathValue("token"),
		Path:     memberPath(slug),
		HttpOnly: true,
		Secure:   s.secureCookies,
		SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, memberPath(slug), http.StatusSeeOther)
	return nil
}

// voterOfToken checks a token's shape and looks it up. Every way of not finding a voter
// gives the same error, so a page cannot tell a revoked link from a mistyped one.
func (s *Server) voterOfToken(ctx context.Context, raw string) (*election.Voter, error) {
	token, err := election.ParseToken(raw)
	if err != nil {
		return nil, errLinkNotFound
	}
	v, err := s.voters.VoterByToken(ctx, election.HashToken(token))
	switch {
	case errors.Is(err, election.ErrNotFound):
		return nil, errLinkNotFound
	case err != nil:
		return nil, err
	}
	return v, nil
}

// errLinkNotFound is the one answer for every link that does not work.
var errLinkNotFound = election.Errorf(election.ErrNotFound,
	"This personal link does not work. It may have been replaced by a newer link, or copied incompletely. "+
		"Open the link from the most recent election email; if that does not work either, ask for a new one.")

// member is the voter whose link opened the page, with the token hash that keys the
// page's form token.
type member struct {
	*election.Voter
	hash [32]byte
}

// memberOf returns the member whose link cookie came with r, for the election slug in the
// URL; errNoLink when there is no working cookie for it.
func (s *Server) memberOf(r *http.Request) (*member, error) {
	c, err := r.Cookie(linkCookie)
	if err != nil {
		return nil, errNoLink
	}
	// The cookie holds a token as much as the link does: guesses through it count too.
	if err := s.linkThrottle.Check(r); err != nil {
		return nil, err
	}
	token, err := election.ParseToken(c.Value)
	if err != nil {
		s.linkThrottle.Fail(r)
		return nil, errNoLink
	}
	hash := election.HashToken(token)
	v, err := s.voters.VoterByToken(r.Context(), hash)
	switch {
	case errors.Is(err, election.ErrNotFound):
		s.linkThrottle.Fail(r)
		return nil, errNoLink
	case err != nil:
		return nil, err
	case v.Election.Definition.Slug != r.PathValue("slug"):
		return nil, errNoLink
	}
	return &member{Voter: v, hash: hash}, nil
}

// formToken is the value every member form carries in its csrf field: an HMAC of the
// link's hash, so it is bound to this member and election and dies with the link.
func (s *Server) formToken(m *member) string {
	mac := hmac.New(sha256.New, s.tokenSecret)
	mac.Write([]byte("csrf:" + hex.EncodeToString(m.hash[:])))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// checkFormToken compares the posted csrf field with the member's form token in constant
// time.
func (s *Server) checkFormToken(r *http.Request, m *member) error {
	got := r.PostFormValue("csrf")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.formToken(m))) != 1 {
		return errFormToken
	}
	return nil
}

func memberPath(slug string) string { return "/member/" + slug }
