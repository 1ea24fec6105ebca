package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/civivote/civivote/election"
)

// adminCookie holds the dashboard session's random id; only its SHA-256 is stored.
const adminCookie = "civivote_admin"

// session returns the request's session id and role, or errSignIn.
func (s *Server) session(r *http.Request) (string, Role, error) {
	c, err := r.Cookie(adminCookie)
	if err != nil || c.Value == "" {
		return "", RoleNone, errSignIn
	}
	role, err := s.dash.Sessions.AdminSession(r.Context(), sha256.Sum256([]byte(c.Value)), s.now())
	switch {
	case errors.Is(err, election.ErrNotFound):
		return "", RoleNone, errSignIn
	case err != nil:
		return "", RoleNone, err
	}
	switch role {
	case RoleAdmin.String():
		return c.Value, RoleAdmin, nil
	case RoleObserver.String():
		return c.Value, RoleObserver, nil
	}
	return "", RoleNone, errSignIn
}

// csrfToken is the form token of a session: an HMAC of its id, so a form works only in the
// session that rendered it and dies with it.
func (d *dashboard) csrfToken(sessionID string) string {
	mac := hmac.New(sha256.New, d.csrfKey)
	mac.Write([]byte("dashboard-csrf:" + sessionID))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// tokensEqual compares a posted token with the expected one in constant time.
func tokensEqual(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

type signInView struct {
	adminPage
	Next      string
	SignedOut bool
}

// safeNext keeps a post-sign-in destination inside the dashboard.
func safeNext(next string) string {
	if next == "/admin" || strings.HasPrefix(next, "/admin/") || strings.HasPrefix(next, "/admin?") {
		if !strings.HasPrefix(next, "/admin/sign-") {
			return next
		}
	}
	return "/admin"
}

// handleSignInPage shows the sign-in form: GET /admin/sign-in.
func (s *Server) handleSignInPage(w http.ResponseWriter, r *http.Request) error {
	v := signInView{adminPage: adminPage{Title: "Sign in to the dashboard"}, Next: safeNext(r.URL.Query().Get("next")),
		SignedOut: r.URL.Query().Get("signed_out") == "1"}
	return s.views.render(w, http.StatusOK, "admin_sign_in", v)
}

// handleSignIn checks the token and starts a session: POST /admin/sign-in. A wrong token
// gets the same page back with one message, whichever role it was near.
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badRequest("the form could not be read: %v", err)
	}
	v := signInView{adminPage: adminPage{Title: "Sign in to the dashboard"}, Next: safeNext(r.PostForm.Get("next"))}
	token := strings.TrimSpace(r.PostForm.Get("token"))
	if token == "" {
		v.Title = "Error: " + v.Title
		v.Errors = []formError{{"#token", "Enter the admin or observer token"}}
		return s.views.render(w, http.StatusBadRequest, "admin_sign_in", v)
	}
	var tooMany *TooManyError
	if err := s.authThrottle.Check(r); errors.As(err, &tooMany) {
		v.Title = "Error: " + v.Title
		v.Errors = []formError{{"#token", "Too many wrong tokens were sent from this address (or from everywhere): try again in " + tooMany.inWords()}}
		w.Header().Set("Retry-After", tooMany.retryAfterSeconds())
		return s.views.render(w, http.StatusTooManyRequests, "admin_sign_in", v)
	} else if err != nil {
		return err
	}
	role := s.signInRole(token)
	if role == RoleNone {
		s.authThrottle.Fail(r)
		v.Title = "Error: " + v.Title
		v.Errors = []formError{{"#token", "That token was not accepted: check it and try again"}}
		return s.views.render(w, http.StatusUnauthorized, "admin_sign_in", v)
	}
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	sid := base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.now()
	expires := now.Add(s.dash.SessionTTL)
	if err := s.dash.Sessions.CreateAdminSession(r.Context(), sha256.Sum256([]byte(sid)), role.String(), now, expires); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: adminCookie, Value: sid, Path: "/admin", Expires: expires,
		MaxAge: int(s.dash.SessionTTL.Seconds()), HttpOnly: true, Secure: s.secureCookies, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, v.Next, http.StatusSeeOther)
	return nil
}

// handleSignOut ends the session: POST /admin/sign-out.
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request, _ adminPage) error {
	c, err := r.Cookie(adminCookie)
	if err != nil {
		return errSignIn
	}
	if err := s.dash.Sessions.DeleteAdminSession(r.Context(), sha256.Sum256([]byte(c.Value))); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: adminCookie, Value: "", Path: "/admin", MaxAge: -1,
		HttpOnly: true, Secure: s.secureCookies, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/admin/sign-in?signed_out=1", http.StatusSeeOther)
	return nil
}

// signInRole is the role of a token typed into the sign-in form, compared with the
// configured digests in constant time exactly as the admin API compares bearer tokens
// (both always, so timing does not tell which role a guess was near).
func (s *Server) signInRole(token string) Role {
	if token == "" {
		return RoleNone
	}
	digest := sha256.Sum256([]byte(token))
	isAdmin := s.tokens.Admin != nil && subtle.ConstantTimeCompare(digest[:], s.tokens.Admin[:]) == 1
	isObserver := s.tokens.Observer != nil && subtle.ConstantTimeCompare(digest[:], s.tokens.Observer[:]) == 1
	switch {
	case isAdmin:
		return RoleAdmin
	case isObserver:
		return RoleObserver
	}
	return RoleNone
}
