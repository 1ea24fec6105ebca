package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/roster"
	"go.uber.org/zap"
)

// Role is what a bearer token of the admin API may do.
type Role int

// The roles, in increasing power.
const (
	RoleNone     Role = iota
	RoleObserver      // read-only: observers and scrutineers
	RoleAdmin         // the election committee and membership admin
)

func (r Role) String() string {
	switch r {
	case RoleAdmin:
		return "admin"
	case RoleObserver:
		return "observer"
	}
	return "none"
}

// APITokens holds the SHA-256 digests of the admin API's bearer tokens. A nil digest means
// that role has no token; with neither, the admin API answers 404.
type APITokens struct {
	Admin, Observer *[32]byte
}

// apiHandler is an admin API handler; its error is rendered as JSON by serveAPI.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// api wraps h behind bearer-token authentication requiring at least role min.
func (s *Server) api(min Role, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if s.tokens.Admin == nil && s.tokens.Observer == nil {
			writeJSON(w, http.StatusNotFound, apiErrorBody{Error: "the admin API is off: set CIVIVOTE_ADMIN_TOKEN to turn it on"})
			return
		}
		role, err := s.authenticate(r)
		if err != nil {
			s.writeAPIError(w, r, err)
			return
		}
		switch {
		case role == RoleNone:
			w.Header().Set("WWW-Authenticate", `Bearer realm="civivote admin"`)
			writeJSON(w, http.StatusUnauthorized, apiErrorBody{Error: "send the admin or observer token as Authorization: Bearer TOKEN"})
			return
		case role < min:
			writeJSON(w, http.StatusForbidden, apiErrorBody{Error: "the observer token is read-only: this needs the admin token"})
			return
		}
		if err := h(w, r.WithContext(withActor(r.Context(), "api:"+role.String()))); err != nil {
			s.writeAPIError(w, r, err)
		}
	})
}

// roleOf compares the request's bearer token with the configured digests in constant time.
func (s *Server) roleOf(r *http.Request) Role {
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || token == "" {
		return RoleNone
	}
	digest := sha256.Sum256([]byte(token))
	// Compare with both, always, so timing does not tell which role a guess was near.
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

type apiErrorBody struct {
	Error string `json:"error"`
}

// statusOf maps the domain's error kinds to HTTP status codes, in one place.
func statusOf(err error) int {
	switch {
	case isUnavailable(err):
		return http.StatusServiceUnavailable
	case errors.As(err, new(*bodyTooLargeError)):
		return http.StatusRequestEntityTooLarge
	case errors.As(err, new(*TooManyError)):
		return http.StatusTooManyRequests
	case errors.Is(err, election.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, election.ErrNotFound), errors.Is(err, roster.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, election.ErrConflict), errors.Is(err, election.ErrAlreadyVoted),
		errors.Is(err, election.ErrWrongState), errors.Is(err, election.ErrWindowClosed),
		errors.Is(err, election.ErrTieUnresolved):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// writeAPIError renders err as JSON. Domain errors carry messages meant for people; other
// errors are logged and answered with a generic message, so internals do not leak.
func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	msg := err.Error()
	if tm := (*TooManyError)(nil); errors.As(err, &tm) {
		w.Header().Set("Retry-After", tm.retryAfterSeconds())
		msg = "too many wrong tokens were sent from this address (or from everywhere): retry after " + tm.retryAfterSeconds() + " seconds"
	}
	switch status {
	case http.StatusInternalServerError:
		s.log.Error("admin API request failed", zap.String("route", r.Pattern), zap.Error(err))
		msg = "internal error: the server log has the details"
	case http.StatusServiceUnavailable:
		s.log.Warn("admin API request failed: database unreachable", zap.String("route", r.Pattern), zap.Error(err))
		w.Header().Set("Retry-After", retryAfterUnavailable)
		msg = "the database is unreachable just now, so nothing was changed: retry in a minute"
	}
	writeJSON(w, status, apiErrorBody{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// decodeJSON reads a small JSON request body strictly.
func decodeJSON(r *http.Request, v any) error {
	if r.Body == nil || r.ContentLength == 0 {
		return nil
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if tl := tooLarge(err, "the request body is over 64 KiB: send only the fields this call takes"); tl != nil {
			return tl
		}
		return election.Errorf(election.ErrInvalid, "the request body is not valid JSON for this call: %v", err)
	}
	return nil
}
