package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"
)

// maxRequestBytes caps every request body, whatever the route: the largest legitimate one
// is an election definition (maxDefinitionBytes). Routes read with smaller limits of
// their own (member forms, JSON calls).
const maxRequestBytes = maxDefinitionBytes

// limitBodies wraps every request body in http.MaxBytesReader, so no handler, present or
// future, can be made to read an unbounded body. A declared Content-Length over the cap
// is refused at once.
func limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxRequestBytes {
			w.Header().Set("Connection", "close")
			msg := fmt.Sprintf("the request body is over %d bytes, the most civivote accepts; nothing changed", maxRequestBytes)
			if strings.HasPrefix(r.URL.Path, "/api/") {
				writeJSON(w, http.StatusRequestEntityTooLarge, apiErrorBody{Error: msg})
			} else {
				http.Error(w, "Too large: "+msg+".", http.StatusRequestEntityTooLarge)
			}
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// bodyTooLargeError is a request body over its route's limit: answered 413, nothing
// changed. Its message is written for whoever sent it.
type bodyTooLargeError struct{ msg string }

func (e *bodyTooLargeError) Error() string { return e.msg }

// tooLarge returns a *bodyTooLargeError saying msg when err is a body over its limit
// (*http.MaxBytesError), and nil otherwise.
func tooLarge(err error, msg string) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &bodyTooLargeError{msg: msg}
	}
	return nil
}

// HTTPLimits are the time and size limits NewHTTPServerWith puts on each connection.
type HTTPLimits struct {
	ReadHeaderTimeout time.Duration // the request line and headers must arrive within it
	ReadTimeout       time.Duration // the whole request, body included
	WriteTimeout      time.Duration // from the end of the headers to the end of the response
	IdleTimeout       time.Duration // a kept-alive connection waiting for its next request
	MaxHeaderBytes    int
}

// DefaultHTTPLimits are the limits civivote serves with: a client that trickles its
// headers (slowloris) is cut off after 10 s, one that trickles its body after 30 s.
func DefaultHTTPLimits() HTTPLimits {
	return HTTPLimits{
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// NewHTTPServerWith is NewHTTPServer with explicit limits (tests use short ones).
func NewHTTPServerWith(addr string, h http.Handler, log *zap.Logger, l HTTPLimits) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          zap.NewStdLog(log.Named("http")),
	}
}

// initThrottles builds the link and auth throttles from l (zero fields take defaults).
func (s *Server) initThrottles(l Limits) {
	l = l.withDefaults()
	m := newThrottleMetrics(s.reg)
	log := s.log.Named("throttle")
	s.linkThrottle = newThrottle("link", l.LinkPerClient, l.LinkGlobal, l, m, log, s.now, 50)
	s.authThrottle = newThrottle("auth", l.AuthPerClient, l.AuthGlobal, l, m, log, s.now, 5)
}

// throttledLink wraps the personal-link handler: a client that has made too many failed
// look-ups is refused before its token is looked at, and each failed look-up is counted.
func (s *Server) throttledLink(h pageHandler) pageHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := s.linkThrottle.Check(r); err != nil {
			return err
		}
		err := h(w, r)
		if errors.Is(err, errLinkNotFound) {
			s.linkThrottle.Fail(r)
		}
		return err
	}
}

// tooManyView is the page answering a *TooManyError (429, with Retry-After): what happened,
// when to try again and whom to ask.
func tooManyView(e *TooManyError, contact string) errorView {
	msg := "Too many links or codes that do not work were tried from your internet connection, so it has to wait. " +
		"Nothing is wrong with your vote or your link. Try again in " + e.inWords() + ", with the personal link from your most recent election email. " +
		"If you share a connection (at work, or at a meeting), others on it count too."
	if e.Everyone {
		msg = "So many links or codes that do not work were tried in the last minutes that the site is making everyone wait. " +
			"Nothing is wrong with your vote or your link. Try again in " + e.inWords() + "."
	}
	return errorView{Title: "Please wait before trying again", Heading: "Please wait before trying again", Message: msg, Contact: contact}
}

// authenticate is roleOf behind the auth throttle: a client that sent too many wrong
// tokens is refused before its token is compared, and each wrong token is counted. A
// request without an Authorization header guesses nothing and is not counted.
func (s *Server) authenticate(r *http.Request) (Role, error) {
	if r.Header.Get("Authorization") == "" {
		return RoleNone, nil
	}
	if err := s.authThrottle.Check(r); err != nil {
		return RoleNone, err
	}
	role := s.roleOf(r)
	if role == RoleNone {
		s.authThrottle.Fail(r)
	}
	return role, nil
}
