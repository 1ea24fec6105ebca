package web

import (
	"errors"
	"net/http"

	"github.com/civivote/civivote/election"
	"go.uber.org/zap"
)

// pageHandler serves one HTML page or form action. Its error, if any, becomes the error
// page (see servePage): handlers only say what went wrong.
type pageHandler func(w http.ResponseWriter, r *http.Request) error

// errFormToken means a POST lacked the form token of the member's link, or carried a wrong
// one: a forged or stale form. It is answered 403 and nothing is stored.
var errFormToken = errors.New("form token missing or wrong")

// errNoLink means a member page was opened without the cookie that opening the personal
// link sets (or with one that no longer works).
var errNoLink = errors.New("no personal link")

// errorView is the data of the error page.
type errorView struct {
	Title   string
	Heading string
	Message string
	// Contact says whom to ask for help.
	Contact string
	// Home, when set, links back to the member's page.
	Home string
}

// page wraps h: it marks every page personal (no caching, no referrer) and renders h's
// error as a page.
func (s *Server) page(h pageHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Referrer-Policy", "no-referrer")
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// renderError renders the error page for err's kind. Domain errors carry messages written
// for members; anything else is logged (by route pattern, never by path, which can hold a
// token) and shown as a generic apology without internals.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	v := errorView{Contact: s.contact}
	var status int
	var tooMany *TooManyError
	switch {
	case errors.As(err, &tooMany):
		status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", tooMany.retryAfterSeconds())
		v = tooManyView(tooMany, s.contact)
	case errors.Is(err, errFormToken):
		status = http.StatusForbidden
		v.Heading = "This form has expired"
		v.Message = "Nothing was saved. Go back to your page, reload it, and submit the form again. " +
			"If this keeps happening, open the personal link from your email again."
	case isUnavailable(err):
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", retryAfterUnavailable)
		s.log.Warn("page failed: database unreachable", zap.String("route", r.Pattern), zap.String("method", r.Method), zap.Error(err))
		v = unavailableView(r.Pattern == "POST /member/{slug}/cast", s.contact)
	case errors.Is(err, errNoLink):
		status = http.StatusForbidden
		v.Heading = "Open your personal link again"
		v.Message = "This page belongs to the member whose personal link opened it, and this browser has not opened that link " +
			"(or has forgotten it). Open the personal link from the election email again, in this browser. " +
			"Keep the link private: anyone who has it can act in your name."
	default:
		status = statusOf(err)
		v.Message = err.Error()
		switch {
		case status == http.StatusInternalServerError:
			s.log.Error("page failed", zap.String("route", r.Pattern), zap.String("method", r.Method), zap.Error(err))
			v.Heading = "Something went wrong on our side"
			v.Message = "Nothing you did caused this, and the problem has been logged. Try again in a few minutes."
		case status == http.StatusRequestEntityTooLarge:
			v.Heading = "That was too long"
		case errors.Is(err, election.ErrNotFound):
			v.Heading = "Page not found"
		case errors.Is(err, election.ErrWindowClosed):
			v.Heading = "This is not open now"
		case errors.Is(err, election.ErrWrongState):
			v.Heading = "You cannot do this now"
		case errors.Is(err, election.ErrInvalid):
			v.Heading = "Something in the request was not right"
		default:
			v.Heading = "That did not work"
		}
	}
	v.Title = v.Heading
	if rerr := s.views.render(w, status, "error", v); rerr != nil {
		s.log.Error("error page failed", zap.String("route", r.Pattern), zap.Error(rerr))
		http.Error(w, "Something went wrong on our side. Try again in a few minutes.", http.StatusInternalServerError)
	}
}

// memberRoutes registers the member and public pages whose stores are configured.
func (s *Server) memberRoutes() {
	s.mux.HandleFunc("GET /static/{file}", s.handleCSS)
	if s.voters != nil && s.nominations != nil {
		s.mux.Handle("GET /v/{token}", s.page(s.throttledLink(s.handleLink)))
		s.mux.Handle("GET /member/{slug}", s.page(s.handleMemberPage))
		s.mux.Handle("POST /member/{slug}/nomination", s.page(s.handleNominate))
		s.mux.Handle("GET /member/{slug}/withdraw", s.page(s.handleWithdrawConfirm))
		s.mux.Handle("POST /member/{slug}/withdraw", s.page(s.handleWithdraw))
	}
	if s.publicCandidates != nil {
		s.mux.Handle("GET /elections/{slug}/candidates", s.page(s.handleCandidates))
	}
}
