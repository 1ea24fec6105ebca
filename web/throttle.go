package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Limits says how many failures clients may make before they are made to wait. Personal
// links and receipt codes are far beyond guessing range; the limits keep probes cheap for
// the server, visible to the operators, and slow.
type Limits struct {
	// LinkPerClient and LinkGlobal bound failed look-ups of personal links (GET /v/TOKEN,
	// and a member page's link cookie) and of receipt codes: per client address, and
	// across all clients together.
	LinkPerClient, LinkGlobal Rate
	// AuthPerClient and AuthGlobal bound failed admin authentications: wrong bearer
	// tokens on the admin API and failed dashboard sign-ins.
	AuthPerClient, AuthGlobal Rate
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is believed. A request
	// from any other peer is the client itself, whatever it claims.
	TrustedProxies []netip.Prefix
	// MaxClients bounds the client addresses each limit remembers.
	MaxClients int
}

// DefaultLimits are the limits CIVIVOTE_LINK_LIMIT_* and CIVIVOTE_AUTH_LIMIT_* default to.
func DefaultLimits() Limits {
	return Limits{
		LinkPerClient: Rate{20, 10 * time.Minute},
		LinkGlobal:    Rate{600, time.Minute},
		AuthPerClient: Rate{10, 10 * time.Minute},
		AuthGlobal:    Rate{100, 10 * time.Minute},
		MaxClients:    50_000,
	}
}

// withDefaults fills each zero field from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	for _, f := range []struct{ got, def *Rate }{
		{&l.LinkPerClient, &d.LinkPerClient}, {&l.LinkGlobal, &d.LinkGlobal},
		{&l.AuthPerClient, &d.AuthPerClient}, {&l.AuthGlobal, &d.AuthGlobal},
	} {
		if f.got.N == 0 || f.got.Per == 0 {
			*f.got = *f.def
		}
	}
	if l.MaxClients == 0 {
		l.MaxClients = d.MaxClients
	}
	return l
}

// TooManyError refuses a request because its client, or everyone together, made too many
// failed attempts. Pages answer it with 429 and a page saying when to retry; the admin API
// with 429 and JSON. Both set Retry-After.
type TooManyError struct {
	RetryAfter time.Duration
	Everyone   bool // the global limit, not this client's, was reached
}

func (e *TooManyError) Error() string {
	return fmt.Sprintf("too many failed attempts; retry after %s", e.RetryAfter)
}

// retryAfterSeconds is the Retry-After value: whole seconds, at least 1.
func (e *TooManyError) retryAfterSeconds() string {
	return strconv.Itoa(max(1, int((e.RetryAfter+time.Second-1)/time.Second)))
}

// inWords says the wait for a person: "about 3 minutes", "about 40 seconds".
func (e *TooManyError) inWords() string {
	if e.RetryAfter > 90*time.Second {
		m := int((e.RetryAfter + time.Minute - 1) / time.Minute)
		return fmt.Sprintf("about %d minutes", m)
	}
	return fmt.Sprintf("about %s seconds", e.retryAfterSeconds())
}

// Throttle counts failures per client address and across all clients, and refuses
// clients that have used up either allowance. The handlers of one kind of secret share a
// Throttle: Server.linkThrottle for personal links and receipt codes, Server.authThrottle for admin
// credentials. Its API, for a handler that checks a secret:
//
//	if err := s.authThrottle.Check(r); err != nil { return err } // *TooManyError: render it
//	... compare the secret ...
//	if wrong { s.authThrottle.Fail(r) }
//
// Check before comparing, so a refused client learns nothing from its guess; Fail only on
// a wrong secret, so members who share an address (a union meeting behind one router)
// are never refused for opening working links.
type Throttle struct {
	name           string
	client, global *Limiter
	proxies        []netip.Prefix
	m              *throttleMetrics
	bursts         *burstLog
}

type throttleMetrics struct {
	failures *prometheus.CounterVec
	refused  *prometheus.CounterVec
}

func newThrottleMetrics(reg prometheus.Registerer) *throttleMetrics {
	m := &throttleMetrics{
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civivote_throttle_failures_total",
			Help: "Failed attempts counted by the throttles: throttle=link (unknown personal links and receipt codes) or auth (wrong admin credentials).",
		}, []string{"throttle"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "civivote_throttle_refused_total",
			Help: "Requests answered 429 by a throttle, by throttle and by the limit reached (client or global).",
		}, []string{"throttle", "limit"}),
	}
	reg.MustRegister(m.failures, m.refused)
	return m
}

// newThrottle builds a throttle; burst is how many failures within a minute make it log
// a warning.
func newThrottle(name string, perClient, global Rate, l Limits, m *throttleMetrics, log *zap.Logger, now func() time.Time, burst int) *Throttle {
	return &Throttle{
		name:    name,
		client:  NewLimiter(perClient, l.MaxClients, now),
		global:  NewLimiter(global, 1, now),
		proxies: l.TrustedProxies,
		m:       m,
		bursts:  &burstLog{name: name, log: log, now: now, window: time.Minute, threshold: burst},
	}
}

// Check returns a *TooManyError when r's client, or all clients together, may not try
// again yet; nil otherwise. It spends nothing.
func (t *Throttle) Check(r *http.Request) error {
	if wait := t.client.Wait(t.ClientKey(r)); wait > 0 {
		t.m.refused.WithLabelValues(t.name, "client").Inc()
		t.bursts.refusedOne()
		return &TooManyError{RetryAfter: wait}
	}
	if wait := t.global.Wait(""); wait > 0 {
		t.m.refused.WithLabelValues(t.name, "global").Inc()
		t.bursts.refusedOne()
		return &TooManyError{RetryAfter: wait, Everyone: true}
	}
	return nil
}

// Fail counts one failure against r's client and against everyone.
func (t *Throttle) Fail(r *http.Request) {
	t.client.Take(t.ClientKey(r))
	t.global.Take("")
	t.m.failures.WithLabelValues(t.name).Inc()
	t.bursts.failedOne()
}

// ClientKey names r's client: its address, taken from X-Forwarded-For only when the peer
// is a trusted proxy (the rightmost address that is not one), and for IPv6 its /64,
// since one subscriber commonly holds a whole /64.
func (t *Throttle) ClientKey(r *http.Request) string {
	a := forwardedAddr(r, t.proxies)
	if !a.IsValid() {
		return r.RemoteAddr
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// forwardedAddr returns the client's address as far as it can be trusted.
func forwardedAddr(r *http.Request, proxies []netip.Prefix) netip.Addr {
	peer := parseHostAddr(r.RemoteAddr)
	if !peer.IsValid() || !trusted(peer, proxies) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a := parseHostAddr(strings.TrimSpace(hops[i]))
		if !a.IsValid() {
			break // garbage from further out: the last proxy we trust saw client
		}
		client = a
		if !trusted(a, proxies) {
			break
		}
	}
	return client
}

func trusted(a netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHostAddr reads "1.2.3.4", "1.2.3.4:5678", "::1" or "[::1]:5678".
func parseHostAddr(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// burstLog writes one warning per window in which failures reach threshold, and a
// summary of that window's failures and refusals when the next one starts, never a line
// per request (an attack would flood the log) and never what was tried.
type burstLog struct {
	name      string
	log       *zap.Logger
	now       func() time.Time
	window    time.Duration
	threshold int

	mu              sync.Mutex
	start           time.Time
	failed, refused int
	warned          bool
}

func (b *burstLog) failedOne() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll()
	b.failed++
	if !b.warned && b.failed >= b.threshold {
		b.warned = true
		b.log.Warn("burst of failed attempts: someone may be guessing",
			zap.String("throttle", b.name), zap.Int("failures", b.failed),
			zap.Duration("within", b.now().Sub(b.start)),
			zap.String("see", "metrics civivote_throttle_failures_total and civivote_throttle_refused_total"))
	}
}

func (b *burstLog) refusedOne() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.roll()
	b.refused++
}

// roll starts a new window when the current one is over, summing up a window that warned.
func (b *burstLog) roll() {
	now := b.now()
	if now.Sub(b.start) < b.window {
		return
	}
	if b.warned {
		b.log.Warn("burst of failed attempts: window over",
			zap.String("throttle", b.name), zap.Int("failures", b.failed), zap.Int("refused", b.refused),
			zap.Duration("window", b.window))
	}
	b.start, b.failed, b.refused, b.warned = now, 0, 0, false
}
