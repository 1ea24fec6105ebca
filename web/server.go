// Package web is civivote's HTTP face: routes, middleware, handlers and (later) the
// embedded templates and static files of the member and committee pages.
package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// ReadinessChecker says whether this replica can serve: the database answers and its schema
// is current. It is an interface so /readyz can be tested without a database, and so web
// does not import store.
type ReadinessChecker interface {
	Ready(ctx context.Context) error
}

// Options configures New.
type Options struct {
	Logger   *zap.Logger
	Ready    ReadinessChecker
	Registry *prometheus.Registry // where HTTP metrics go and what /metrics serves
	Tokens   APITokens            // the admin API's bearer tokens
	Roster   Roster               // nil: no roster endpoints
	// Elections backs the election endpoints; nil: none.
	Elections Elections
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// Voters finds the member behind a personal link; nil: no member pages.
	Voters Voters
	// Nominations backs the member's nomination page; needed with Voters.
	Nominations Nominations
	// PublicCandidates backs the public list of accepted candidates; nil: no such page.
	PublicCandidates PublicCandidates
	// Candidates backs the committee's candidate endpoints; nil: none.
	Candidates CandidateReview
	// Links backs the token endpoints (issue, reissue); nil: none.
	Links Links
	// Ballots backs voting (the ballot, review and cast); nil: the member's page stays on
	// nominations. Needs Voters, Nominations and PublicCandidates.
	Ballots Ballots
	// Outbox backs the outbox endpoints (backlog, failed items, retry); nil: none.
	Outbox Outbox
	// Turnouts backs the turnout endpoint; nil: none.
	Turnouts Turnouts
	// Challenges backs challenged ballots (the member's page needs Ballots too) and the
	// committee's rulings; nil: none.
	Challenges Challenges
	// Writebacks backs the write-back endpoints; nil: none.
	Writebacks Writebacks
	// Results backs the public results, ballots.json and the receipt check; nil: none.
	// PublicCandidates lets the page before publication say when voting closes.
	Results PublishedResults
	// ResultsAdmin backs the committee's count, draws of lots, publication, audit log and
	// purge endpoints; nil: none.
	ResultsAdmin ResultsAdmin
	// TokenSecret is CIVIVOTE_TOKEN_SECRET: member forms carry a token derived from it.
	TokenSecret []byte
	// PublicURL is CIVIVOTE_PUBLIC_URL; when it is https, the link cookie is Secure.
	PublicURL string
	// Contact says whom members should ask for help, e.g. "the election committee at
	// elections@example.org"; empty gives a generic line.
	Contact string
	// Limits bounds failed look-ups of links and receipt codes and failed admin
	// authentications; zero fields take DefaultLimits.
	Limits Limits
	// Dashboard configures the committee's dashboard at /admin; off without Sessions.
	Dashboard DashboardOptions
}

// Server holds civivote's routes and their dependencies.
type Server struct {
	log       *zap.Logger
	ready     ReadinessChecker
	tokens    APITokens
	roster    Roster
	elections Elections
	reg       *prometheus.Registry
	now       func() time.Time
	metrics   *httpMetrics
	mux       *http.ServeMux

	views            *views
	voters           Voters
	nominations      Nominations
	publicCandidates PublicCandidates
	candidates       CandidateReview
	links            Links
	ballots          Ballots
	outbox           Outbox
	turnouts         Turnouts
	challenges       Challenges
	writebacks       Writebacks
	results          PublishedResults
	resultsAdmin     ResultsAdmin
	tokenSecret      []byte
	secureCookies    bool
	contact          string
	linkThrottle     *Throttle // failed look-ups of personal links and receipt codes
	authThrottle     *Throttle // failed admin authentications
	dash             *dashboard
}

// New builds the server and registers its HTTP metrics on opts.Registry. It panics if the
// embedded page templates do not parse: that is a bug in the binary, caught by its tests.
func New(opts Options) *Server {
	views, err := parseViews()
	if err != nil {
		panic(err)
	}
	s := &Server{
		views:            views,
		voters:           opts.Voters,
		nominations:      opts.Nominations,
		publicCandidates: opts.PublicCandidates,
		candidates:       opts.Candidates,
		links:            opts.Links,
		ballots:          opts.Ballots,
		outbox:           opts.Outbox,
		turnouts:         opts.Turnouts,
		challenges:       opts.Challenges,
		writebacks:       opts.Writebacks,
		results:          opts.Results,
		resultsAdmin:     opts.ResultsAdmin,
		tokenSecret:      opts.TokenSecret,
		secureCookies:    strings.HasPrefix(strings.ToLower(opts.PublicURL), "https:"),
		contact:          opts.Contact,
		log:              opts.Logger,
		ready:            opts.Ready,
		tokens:           opts.Tokens,
		roster:           opts.Roster,
		elections:        opts.Elections,
		reg:              opts.Registry,
		now:              opts.Now,
		mux:              http.NewServeMux(),
	}
	if s.log == nil {
		s.log = zap.NewNop()
	}
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.contact == "" {
		s.contact = "the election committee or your membership administrator"
	}
	s.dash = newDashboard(opts.Dashboard, opts.TokenSecret)
	s.metrics = newHTTPMetrics(s.reg)
	s.initThrottles(opts.Limits)
	s.routes()
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.handleHealthz)
	s.mux.HandleFunc("GET /readyz", s.handleReadyz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{Registry: s.reg}))
	if s.roster != nil {
		s.mux.Handle("POST /api/admin/sync", s.api(RoleAdmin, s.handleSync))
		s.mux.Handle("GET /api/admin/sync/runs", s.api(RoleObserver, s.handleSyncRuns))
		s.mux.Handle("GET /api/admin/members/{contact}", s.api(RoleObserver, s.handleMember))
		s.mux.Handle("POST /api/admin/members/{contact}/override", s.api(RoleAdmin, s.handleOverride))
	}
	s.memberRoutes()
	s.ballotRoutes()
	s.tokenRoutes()
	s.candidateRoutes()
	s.outboxRoutes()
	s.turnoutRoutes()
	s.challengeRoutes()
	s.writebackRoutes()
	s.resultsRoutes()
	s.adminResultsRoutes()
	s.dashboardRoutes()
	if s.elections != nil {
		s.mux.Handle("GET /api/admin/elections", s.api(RoleObserver, s.handleElections))
		s.mux.Handle("GET /api/admin/elections/{slug}", s.api(RoleObserver, s.handleElection))
		s.mux.Handle("PUT /api/admin/elections/{slug}", s.api(RoleAdmin, s.handleApplyElection))
		s.mux.Handle("POST /api/admin/elections/{slug}/advance", s.api(RoleAdmin, s.handleAdvanceElection))
	}
}

// Handler returns the whole HTTP handler with its middleware: request logging and metrics
// outermost, so they see every response, then security headers and cross-origin protection
// for every POST.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = http.NewCrossOriginProtection().Handler(h)
	h = limitBodies(h)
	h = securityHeaders(h)
	h = s.observe(h)
	return h
}

// NewHTTPServer wraps h in an http.Server with the timeouts and limits a public server
// needs, so slow or oversized clients cannot exhaust it.
func NewHTTPServer(addr string, h http.Handler, log *zap.Logger) *http.Server {
	return NewHTTPServerWith(addr, h, log, DefaultHTTPLimits())
}
