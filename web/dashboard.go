package web

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/civivote/civivote/election"
	"go.uber.org/zap"
)

// The committee's dashboard at /admin: server-rendered pages behind a sign-in with the
// admin or observer token. Admins act through forms; observers see the same pages without
// them.

// AdminSessions keeps the dashboard's sign-in sessions by the SHA-256 of their random id;
// *store.DB implements it.
type AdminSessions interface {
	CreateAdminSession(ctx context.Context, idHash [32]byte, role string, now, expires time.Time) error
	// AdminSession returns the session's role; an unknown or ended session is an error of
	// kind election.ErrNotFound.
	AdminSession(ctx context.Context, idHash [32]byte, now time.Time) (string, error)
	DeleteAdminSession(ctx context.Context, idHash [32]byte) error
}

// DashboardData is what the dashboard reads beyond the admin API's interfaces. It is
// declared here so web does not import store; cmd/civivote adapts the store.
type DashboardData interface {
	CountInGoodStanding(ctx context.Context) (int, error)
	// MembersByEmail returns the contact ids of the members with this email address.
	MembersByEmail(ctx context.Context, email string) ([]int64, error)
	// CandidateDeclarations returns what each candidate declared, by candidate id.
	CandidateDeclarations(ctx context.Context, slug string) (map[int64][]string, error)
	// MemberRolls returns the election rolls the contact is on.
	MemberRolls(ctx context.Context, contactID int64) ([]MemberRoll, error)
}

// MemberRoll is a contact's place on one election's roll: link issued, delivered to
// CiviCRM, voted or not. It never says how anyone voted.
type MemberRoll struct {
	Slug       string
	Generation int
	IssuedAt   time.Time
	RevokedAt  time.Time // zero while the link works
	Voted      bool
	LinkState  string // the link's outbox state: pending, done, failed, superseded; "" none
	LinkError  string
}

// ConfigSetting is one configuration variable as the dashboard shows it, secrets already
// redacted.
type ConfigSetting struct{ Name, Value string }

// DashboardOptions configures the dashboard; it is on when Sessions and Data are set and an
// admin or observer token is configured.
type DashboardOptions struct {
	Sessions AdminSessions
	Data     DashboardData
	// Counts backs the count, tie resolution and publication; nil hides them.
	Counts DashboardCounts
	// Audit reads the audit log; nil hides it.
	Audit DashboardAudit
	// Settings is the redacted configuration.
	Settings []ConfigSetting
	// NextSync says when the roster sync runs next; nil or false: unknown.
	NextSync func() (time.Time, bool)
	// SessionTTL is how long a sign-in lasts (CIVIVOTE_ADMIN_SESSION_TTL); 0 means 12h.
	SessionTTL time.Duration
}

// dashboard is the dashboard's part of the Server.
type dashboard struct {
	DashboardOptions
	csrfKey []byte
}

func newDashboard(opts DashboardOptions, tokenSecret []byte) *dashboard {
	if opts.Sessions == nil || opts.Data == nil {
		return nil
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	d := &dashboard{DashboardOptions: opts, csrfKey: tokenSecret}
	if len(d.csrfKey) == 0 {
		d.csrfKey = make([]byte, 32)
		_, _ = rand.Read(d.csrfKey)
	}
	return d
}

// errSignIn means a dashboard page was asked for without a live session.
var errSignIn = errors.New("not signed in")

// errReadOnly means an observer sent a dashboard form.
var errReadOnly = errors.New("read-only session")

// adminPage is what every dashboard page shows around its content.
type adminPage struct {
	Title   string
	Section string // the navigation entry that is current
	Role    Role
	CanAct  bool   // admin: the page shows its forms
	CSRF    string // the session's form token
	Audit   bool   // the audit log is there to link to
	Notice  string // what the last action did
	Errors  []formError
}

// formError is one problem in a submitted form, linked to its field.
type formError struct{ Href, Message string }

// dashboardRoutes registers the dashboard when it is configured.
func (s *Server) dashboardRoutes() {
	if s.dash == nil {
		return
	}
	s.mux.Handle("GET /admin/sign-in", s.adminPublic(s.handleSignInPage))
	s.mux.Handle("POST /admin/sign-in", s.adminPublic(s.handleSignIn))
	s.mux.Handle("POST /admin/sign-out", s.admin(RoleObserver, s.handleSignOut))
	s.mux.Handle("GET /admin", s.admin(RoleObserver, s.handleOverview))
	s.mux.Handle("GET /admin/sync", s.admin(RoleObserver, s.handleSyncPage))
	s.mux.Handle("GET /admin/members", s.admin(RoleObserver, s.handleMembersPage))
	s.mux.Handle("GET /admin/config", s.admin(RoleObserver, s.handleConfigPage))
	s.mux.Handle("GET /admin/elections/{slug}", s.admin(RoleObserver, s.handleElectionPage))
	s.mux.Handle("POST /admin/elections/{slug}/candidates/{id}/accept", s.admin(RoleAdmin, s.handleDashAccept))
	s.mux.Handle("GET /admin/elections/{slug}/candidates/{id}/reject", s.admin(RoleObserver, s.handleDashRejectPage))
	s.mux.Handle("POST /admin/elections/{slug}/candidates/{id}/reject", s.admin(RoleAdmin, s.handleDashReject))
	if s.dash.Audit != nil {
		s.mux.Handle("GET /admin/audit", s.admin(RoleObserver, s.handleAuditPage))
	}
	if s.dash.Counts != nil {
		s.mux.Handle("POST /admin/elections/{slug}/ties", s.admin(RoleAdmin, s.handleDashTie))
		s.mux.Handle("GET /admin/elections/{slug}/publish", s.admin(RoleObserver, s.handleDashPublishPage))
		s.mux.Handle("POST /admin/elections/{slug}/publish", s.admin(RoleAdmin, s.handleDashPublish))
	}
	if s.writebacks != nil { // Options.Writebacks, shared with the admin API
		s.mux.Handle("GET /admin/elections/{slug}/writeback", s.admin(RoleObserver, s.handleDashWritebackPage))
		s.mux.Handle("POST /admin/elections/{slug}/writeback", s.admin(RoleAdmin, s.handleDashWriteback))
	}
}

// dashPageHandler serves one dashboard page or action for a signed-in session.
type dashPageHandler func(w http.ResponseWriter, r *http.Request, p adminPage) error

// adminPublic wraps the sign-in pages: no session needed, nothing cached.
func (s *Server) adminPublic(h pageHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		if s.tokens.Admin == nil && s.tokens.Observer == nil {
			s.renderAdminError(w, r, http.StatusNotFound, "The dashboard is off",
				"Set CIVIVOTE_ADMIN_TOKEN (and, for read-only access, CIVIVOTE_OBSERVER_TOKEN) and restart civivote to turn it on.")
			return
		}
		if err := h(w, r); err != nil {
			s.renderDashError(w, r, err)
		}
	})
}

// admin wraps a dashboard page: it needs a live session of at least role min and, for a
// POST, the session's form token. The actor of what it does is "dashboard:ROLE".
func (s *Server) admin(min Role, h dashPageHandler) http.Handler {
	return s.adminPublic(func(w http.ResponseWriter, r *http.Request) error {
		sid, role, err := s.session(r)
		if err != nil {
			return err
		}
		if role < min {
			return errReadOnly
		}
		csrf := s.dash.csrfToken(sid)
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				return badRequest("the form could not be read: %v", err)
			}
			if !tokensEqual(r.PostForm.Get("csrf"), csrf) {
				return errFormToken
			}
		}
		p := adminPage{Role: role, CanAct: role == RoleAdmin, CSRF: csrf, Audit: s.dash.Audit != nil}
		return h(w, r.WithContext(withActor(r.Context(), "dashboard:"+role.String())), p)
	})
}

// renderDashError renders a dashboard error: a missing session sends the browser to the
// sign-in page; the rest become an error page within the dashboard.
func (s *Server) renderDashError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, errSignIn):
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/admin/sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		s.renderAdminError(w, r, http.StatusUnauthorized, "Sign in again",
			"Your dashboard session has ended, so nothing was changed. Sign in again and repeat the action.")
	case errors.Is(err, errReadOnly):
		s.renderAdminError(w, r, http.StatusForbidden, "Observers cannot change anything",
			"You are signed in with the observer token, which is read-only. Nothing was changed. Sign in with the admin token to act.")
	case errors.Is(err, errFormToken):
		s.renderAdminError(w, r, http.StatusForbidden, "This form has expired",
			"Nothing was changed: the form did not carry this session's form token (it was sent from another page, or before you last signed in). Go back, reload the page and try again.")
	default:
		status := statusOf(err)
		switch {
		case status == http.StatusInternalServerError:
			s.log.Error("dashboard page failed", zap.String("route", r.Pattern), zap.String("method", r.Method), zap.Error(err))
			s.renderAdminError(w, r, status, "Something went wrong on our side",
				"Nothing you did caused this. The server log has the details; try again in a few minutes.")
		case errors.Is(err, election.ErrNotFound):
			s.renderAdminError(w, r, status, "Not found", err.Error())
		default:
			s.renderAdminError(w, r, status, "That could not be done", "Nothing was changed: "+err.Error())
		}
	}
}

// adminErrorView is the data of the dashboard's error page.
type adminErrorView struct {
	adminPage
	Heading, Message string
}

func (s *Server) renderAdminError(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	v := adminErrorView{adminPage: adminPage{Title: heading}, Heading: heading, Message: message}
	if rerr := s.views.render(w, status, "admin_error", v); rerr != nil {
		s.log.Error("dashboard error page failed", zap.String("route", r.Pattern), zap.Error(rerr))
		http.Error(w, heading+": "+message, status)
	}
}
