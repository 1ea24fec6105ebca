package civicrmtest

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// API keys of the recorded site's two API users. AdminKey belongs to
// contact 2 ("Standalone Admin", every permission); LimitedKey to contact 3
// ("Limited Apiuser", only access CiviCRM/AJAX API and API-key login, so
// Membership and writes give 403 and Contact.get shows only itself).
const (
	AdminKey   = "civiadminkey_2f9c81d4e7a3b605"
	LimitedKey = "civilimitedkey_8b1e4c7a90d2f3"
)

// maxFormMemory is how much of a multipart body is kept in memory, as
// net/http's own default for FormValue.
const maxFormMemory = 32 << 20

// Server is a fake CiviCRM 6.18 APIv4 endpoint. It is an http.Handler;
// NewTestServer runs it on a loopback httptest server.
type Server struct {
	st        *store
	now       func() time.Time
	keys      map[string]int64 // API key -> contact id
	admins    map[int64]bool
	entities  map[string]*entity
	workers   chan struct{}
	writeCost map[string]time.Duration
	faults    faultSet
	rec       recorder
	seeds     []func(*Server)
	created   string    // created_date of seeded contacts
	bufs      sync.Pool // answer buffers, reused across requests
	ts        *httptest.Server
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes the fake read time from now (default time.Now). Dates it
// derives (is_current, generated roster dates, created_date) follow it.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithAdminKey replaces AdminKey as the administrator's API key.
func WithAdminKey(key string) Option {
	return func(s *Server) {
		delete(s.keys, AdminKey)
		s.keys[key] = 2
	}
}

// WithWorkers sets how many requests are processed at once, like PHP-FPM
// workers (default 2, the recorded site's two cores). Others queue.
func WithWorkers(n int) Option {
	return func(s *Server) { s.workers = make(chan struct{}, max(n, 1)) }
}

// WithWriteCost makes every record written by entity's write actions
// (save, create, update, delete) take d, as CiviCRM's BAO does: about
// 14 ms for Contact and 3 ms for GroupContact on the recorded site.
func WithWriteCost(entity string, d time.Duration) Option {
	return func(s *Server) { s.writeCost[entity] = d }
}

// WithTranscriptSite seeds the recorded site (see SeedTranscriptSite).
func WithTranscriptSite() Option {
	return func(s *Server) { s.seeds = append(s.seeds, (*Server).SeedTranscriptSite) }
}

// WithRoster adds n generated members (see GenerateRoster).
func WithRoster(n int, seed int64) Option {
	return func(s *Server) {
		s.seeds = append(s.seeds, func(s *Server) { s.GenerateRoster(n, seed) })
	}
}

// New returns a fake site holding what a fresh CiviCRM install has
// (contact 1 "Default Organization", the API users 2 and 3, group 1, the
// ten shipped relationship types, the shipped membership statuses and a
// membership type "Union Member"), then applies opts.
func New(opts ...Option) *Server {
	s := &Server{
		st:        newStore(),
		now:       time.Now,
		keys:      map[string]int64{AdminKey: 2, LimitedKey: 3},
		admins:    map[int64]bool{2: true},
		workers:   make(chan struct{}, 2),
		writeCost: map[string]time.Duration{},
	}
	s.entities = buildEntities(s)
	for _, o := range opts {
		o(s)
	}
	s.created = s.now().Format(time.DateTime)
	seedInstall(s.st)
	for _, seed := range s.seeds {
		seed(s)
	}
	return s
}

// NewTestServer starts a fake on a loopback httptest server that is
// closed when the test ends.
func NewTestServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := New(opts...)
	s.ts = httptest.NewServer(s)
	tb.Cleanup(s.ts.Close)
	return s
}

// URL is the base URL of a server started by NewTestServer; the API lives
// at URL()+"/civicrm/ajax/api4/{Entity}/{action}".
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL
}

// route extracts entity and action from the Standalone/Drupal path or the
// WordPress query form (?civiwp=CiviCRM&q=civicrm/ajax/api4/E/a).
func route(r *http.Request) (string, string, bool) {
	path := r.URL.Path
	if q := r.URL.Query().Get("q"); q != "" && (path == "/" || path == "" || path == "/index.php") {
		path = "/" + q
	}
	rest, ok := strings.CutPrefix(path, "/civicrm/ajax/api4/")
	if !ok {
		return "", "", false
	}
	entity, action, ok := strings.Cut(rest, "/")
	if !ok || entity == "" || action == "" || strings.Contains(action, "/") {
		return "", "", false
	}
	return entity, action, true
}

// ServeHTTP answers one APIv4 call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setCommonHeaders(w.Header())
	entityName, actionName, ok := route(r)
	if !ok {
		writeBody(w, http.StatusNotFound, "text/html; charset=UTF-8", []byte("<html><body><h1>Page not found</h1></body></html>\n"))
		return
	}
	s.rec.count(entityName, actionName)
	// net/http watches for a client hanging up only once the body has been
	// read to the end; that is what ends r.Context() for Hang, Slow and
	// queued requests. ParseForm alone leaves JSON (58) and multipart bodies
	// unread, so parse what PHP would and drain the rest.
	_ = r.ParseMultipartForm(maxFormMemory)
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case s.workers <- struct{}{}:
		defer func() { <-s.workers }()
	case <-r.Context().Done():
		return
	}
	f := s.faults.take(entityName, actionName)
	if f.before(w, r) {
		return
	}
	res, err := s.call(r, entityName, actionName, &f)
	var fatal *htmlError
	var api *apiError
	var raw *rawError
	switch {
	case errors.As(err, &raw):
		writeRaw(w, raw)
	case errors.Is(err, errTimeLimit):
		// PHP's max_execution_time: a 500 with an empty HTML body (82).
		writeBody(w, http.StatusInternalServerError, "text/html; charset=UTF-8", nil)
	case errors.As(err, &fatal):
		writeFatalPage(w, fatal.msg)
	case errors.As(err, &api):
		writeAPIError(w, api)
	case err != nil:
		writeAPIError(w, &apiError{status: http.StatusInternalServerError, msg: err.Error()})
	default:
		body := envelope(res, entityName, actionName)
		f.write(w, body)
		s.putBuf(body)
	}
	s.faults.after(s, entityName, actionName)
}

// envelope completes a result with the Result object's public properties.
func envelope(res *result, entity, action string) []byte {
	b := res.buf
	b = append(b, `,"entity":`...)
	b = appendString(b, entity)
	b = append(b, `,"action":`...)
	b = appendString(b, action)
	b = append(b, `,"debug":null,"version":4,"errors":[],"max_error_level":null,"is_blocking_error":false,"count":`...)
	b = strconv.AppendInt(b, int64(res.count), 10)
	b = append(b, `,"countFetched":`...)
	b = strconv.AppendInt(b, int64(res.fetched), 10)
	if res.hasMatched {
		b = append(b, `,"countMatched":`...)
		b = strconv.AppendInt(b, int64(res.matched), 10)
	}
	return append(b, '}')
}

func writeRaw(w http.ResponseWriter, e *rawError) {
	writeBody(w, e.status, e.ctype, []byte(e.body))
}

// Client returns an http.Client for a server started by NewTestServer.
func (s *Server) Client() *http.Client {
	if s.ts == nil {
		return http.DefaultClient
	}
	return s.ts.Client()
}

// getBuf returns an empty answer buffer with room for about n bytes.
func (s *Server) getBuf(n int) []byte {
	if b, ok := s.bufs.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:0]
	}
	return make([]byte, 0, n)
}

func (s *Server) putBuf(b []byte) {
	if cap(b) > 64<<20 {
		return // keep one huge limit:0 answer from pinning memory
	}
	b = b[:0]
	s.bufs.Put(&b)
}
