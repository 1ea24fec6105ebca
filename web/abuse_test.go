package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// newAbuseEnv is newPagesEnv with explicit limits and admin tokens, and an outbox for
// the admin API.
func newAbuseEnv(t *testing.T, limits Limits, tokens APITokens) (*pagesEnv, string) {
	t.Helper()
	d := fixtureDefinition(t)
	e := &election.Election{ID: 7, State: election.NominationsOpen, Definition: d}
	st := &memStore{e: e, voters: map[[32]byte]*election.Voter{}}
	token := st.addVoter(101, "Ada Worker", true)
	env := &pagesEnv{store: st, now: inNominations}
	core, logs := observer.New(zap.DebugLevel)
	env.logs = logs
	s := New(Options{Logger: zap.New(core), Registry: prometheus.NewRegistry(),
		Voters: st, Nominations: st, PublicCandidates: st, TokenSecret: testSecret,
		Contact: "the election committee at elections@example.org", Tokens: tokens,
		Outbox: idleOutbox{}, Limits: limits, Now: func() time.Time { return env.now }})
	env.ts = httptest.NewServer(s.Handler())
	t.Cleanup(env.ts.Close)
	return env, token
}

// idleOutbox is an empty outbox: the admin API tests need a route, not a backlog.
type idleOutbox struct{}

func (idleOutbox) OutboxStats(context.Context) (OutboxStats, error) { return OutboxStats{}, nil }
func (idleOutbox) FailedOutboxItems(context.Context, int) ([]OutboxItem, error) {
	return nil, nil
}
func (idleOutbox) RetryOutbox(context.Context, []int64) (int, error) { return 0, nil }

// randomToken is a well-formed token that no member has.
func randomToken(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// metric returns the value of one line of /metrics, or "" when absent.
func metric(t *testing.T, env *pagesEnv, line string) string {
	t.Helper()
	_, body := do(t, newClient(t), "GET", env.ts.URL+"/metrics", nil)
	for l := range strings.SplitSeq(body, "\n") {
		if v, ok := strings.CutPrefix(l, line+" "); ok {
			return v
		}
	}
	return ""
}

// noTokenInLogs fails if any log line holds one of the tokens.
func noTokenInLogs(t *testing.T, logs *observer.ObservedLogs, tokens ...string) {
	t.Helper()
	for _, e := range logs.All() {
		for k, v := range e.ContextMap() {
			for _, tok := range tokens {
				if s := fmt.Sprint(v); strings.Contains(s, tok) || strings.Contains(e.Message, tok) {
					t.Errorf("log line %q field %s holds a token", e.Message, k)
				}
			}
		}
	}
}

func TestLinkGuessingIsThrottledPerClient(t *testing.T) {
	env, token := newAbuseEnv(t, Limits{LinkPerClient: Rate{5, time.Minute}, LinkGlobal: Rate{1000, time.Minute}}, APITokens{})
	var guesses []string
	for i := range 5 {
		g := randomToken(t)
		guesses = append(guesses, g)
		if resp, _ := do(t, newClient(t), "GET", env.ts.URL+"/v/"+g, nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("guess %d = %d, want 404", i+1, resp.StatusCode)
		}
	}
	// The sixth try is refused before its token is looked at: even a working link waits.
	for _, tok := range []string{randomToken(t), token} {
		resp, body := do(t, newClient(t), "GET", env.ts.URL+"/v/"+tok, nil)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "12" {
			t.Fatalf("after 5 failures: %d Retry-After %q, want 429 with 12 (one more every 60s/5)",
				resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		for _, want := range []string{"Please wait before trying again", "Try again in about 12 seconds",
			"Nothing is wrong with your vote or your link", "elections@example.org"} {
			if !strings.Contains(body, want) {
				t.Errorf("429 page lacks %q:\n%s", want, body)
			}
		}
		if len(resp.Cookies()) != 0 {
			t.Error("a refused look-up set a cookie")
		}
	}
	env.now = env.now.Add(12 * time.Second)
	if resp, _ := do(t, newClient(t), "GET", env.ts.URL+"/v/"+token, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after Retry-After the working link = %d, want 303", resp.StatusCode)
	}
	// A working link spends nothing: members behind one router are never refused for it.
	for range 20 {
		if resp, _ := do(t, newClient(t), "GET", env.ts.URL+"/v/"+token, nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("working link refused after working links: %d", resp.StatusCode)
		}
	}
	if got := metric(t, env, `civivote_throttle_failures_total{throttle="link"}`); got != "5" {
		t.Errorf("failures metric = %q, want 5", got)
	}
	if got := metric(t, env, `civivote_throttle_refused_total{limit="client",throttle="link"}`); got != "2" {
		t.Errorf("refused metric = %q, want 2", got)
	}
	noTokenInLogs(t, env.logs, append(guesses, token)...)
}

func TestCookieGuessesCountAsLinkGuesses(t *testing.T) {
	env, _ := newAbuseEnv(t, Limits{LinkPerClient: Rate{3, time.Minute}}, APITokens{})
	page := env.ts.URL + "/member/wise-ra-2023"
	try := func() *http.Response {
		req, _ := http.NewRequest("GET", page, nil)
		req.AddCookie(&http.Cookie{Name: linkCookie, Value: randomToken(t)})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range 3 {
		if resp := try(); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("cookie guess %d = %d, want 403", i+1, resp.StatusCode)
		}
	}
	if resp := try(); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("4th cookie guess = %d, want 429 with Retry-After", resp.StatusCode)
	}
	// A page opened with no cookie at all guesses nothing and is not refused.
	if resp, _ := do(t, newClient(t), "GET", page, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("no cookie = %d, want the 403 'open your link' page", resp.StatusCode)
	}
}

func TestGlobalLimitAndTrustedProxies(t *testing.T) {
	env, token := newAbuseEnv(t, Limits{LinkPerClient: Rate{2, time.Minute}, LinkGlobal: Rate{4, time.Minute},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, APITokens{})
	from := func(client, tok string) *http.Response {
		req, _ := http.NewRequest("GET", env.ts.URL+"/v/"+tok, nil)
		req.Header.Set("X-Forwarded-For", client)
		resp, err := newClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	// Two clients behind the trusted proxy each use up their own allowance.
	for _, c := range []string{"198.51.100.1", "198.51.100.1", "198.51.100.2", "198.51.100.2"} {
		if resp := from(c, randomToken(t)); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("guess from %s = %d, want 404", c, resp.StatusCode)
		}
	}
	if resp := from("198.51.100.1", token); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("client 1 after its 2 failures = %d, want 429", resp.StatusCode)
	}
	// Together they used the global allowance: a fresh client waits too, and is told so.
	req, _ := http.NewRequest("GET", env.ts.URL+"/v/"+token, nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	resp, err := newClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), "making everyone wait") {
		t.Errorf("fresh client after the global limit = %d:\n%s", resp.StatusCode, body)
	}
	if got := metric(t, env, `civivote_throttle_refused_total{limit="global",throttle="link"}`); got != "1" {
		t.Errorf("global refusals = %q, want 1", got)
	}
}

func TestBurstOfUnknownLinksIsLoggedOncePerWindow(t *testing.T) {
	env, _ := newAbuseEnv(t, Limits{LinkPerClient: Rate{1000, time.Minute}, LinkGlobal: Rate{1000, time.Minute}}, APITokens{})
	var guesses []string
	for range 120 {
		g := randomToken(t)
		guesses = append(guesses, g)
		do(t, newClient(t), "GET", env.ts.URL+"/v/"+g, nil)
	}
	warns := env.logs.FilterMessageSnippet("burst of failed attempts").All()
	if len(warns) != 1 || warns[0].Level != zap.WarnLevel || warns[0].ContextMap()["failures"] != int64(50) {
		t.Fatalf("want one warning at the 50th failure, got %d: %v", len(warns), warns)
	}
	env.now = env.now.Add(time.Minute)
	do(t, newClient(t), "GET", env.ts.URL+"/v/"+randomToken(t), nil)
	warns = env.logs.FilterMessageSnippet("window over").All()
	if len(warns) != 1 || warns[0].ContextMap()["failures"] != int64(120) {
		t.Fatalf("want one summary of the 120 failures, got %v", warns)
	}
	noTokenInLogs(t, env.logs, guesses...)
}

// TestUnknownAndRevokedLinksHaveTheSameShape: status, the set of headers and the body are
// the same, so nothing tells a revoked link (a member exists) from an invented one.
func TestUnknownAndRevokedLinksHaveTheSameShape(t *testing.T) {
	env, _ := newAbuseEnv(t, Limits{}, APITokens{})
	revoked := election.DeriveToken(testSecret, "wise-ra-2023", 101, 0)
	type shape struct {
		status  int
		headers []string
		body    string
	}
	shapeOf := func(tok string) shape {
		resp, body := do(t, newClient(t), "GET", env.ts.URL+"/v/"+url.PathEscape(tok), nil)
		var hs []string
		for k, v := range resp.Header {
			if k != "Date" {
				hs = append(hs, k+": "+strings.Join(v, ","))
			}
		}
		slices.Sort(hs)
		return shape{resp.StatusCode, hs, body}
	}
	want := shapeOf(randomToken(t))
	for name, tok := range map[string]string{"revoked": revoked, "short": "abc", "bad alphabet": strings.Repeat("*", election.TokenLen)} {
		got := shapeOf(tok)
		if got.status != want.status || !slices.Equal(got.headers, want.headers) || len(got.body) != len(want.body) || got.body != want.body {
			t.Errorf("%s link: %d %v (%d bytes), unknown link: %d %v (%d bytes)", name,
				got.status, got.headers, len(got.body), want.status, want.headers, len(want.body))
		}
	}
}

func TestAdminAPIAuthentication(t *testing.T) {
	const adminToken, observerToken = "committee-token-for-the-admin-api", "observer-token-for-scrutineers-only"
	adminSum := sha256.Sum256([]byte(adminToken))
	observerSum := sha256.Sum256([]byte(observerToken))
	env, _ := newAbuseEnv(t, Limits{AuthPerClient: Rate{3, 10 * time.Minute}},
		APITokens{Admin: &adminSum, Observer: &observerSum})
	call := func(method, path, token string) (*http.Response, string) {
		req, _ := http.NewRequest(method, env.ts.URL+path, strings.NewReader(`{"all":true}`))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, tc := range []struct {
		name, method, path, token string
		want                      int
	}{
		{"no token", "GET", "/api/admin/outbox", "", http.StatusUnauthorized},
		{"no token, again: not a guess, never throttled", "GET", "/api/admin/outbox", "", http.StatusUnauthorized},
		{"observer reads", "GET", "/api/admin/outbox", observerToken, http.StatusOK},
		{"observer writes", "POST", "/api/admin/outbox/retry", observerToken, http.StatusForbidden},
		{"admin writes", "POST", "/api/admin/outbox/retry", adminToken, http.StatusOK},
		{"wrong token 1", "GET", "/api/admin/outbox", "committee-token-for-the-admin-apX", http.StatusUnauthorized},
		{"wrong token 2", "GET", "/api/admin/outbox", "guess", http.StatusUnauthorized},
		{"wrong token 3", "POST", "/api/admin/outbox/retry", adminToken + "x", http.StatusUnauthorized},
		{"after 3 wrong tokens, even the right one waits", "GET", "/api/admin/outbox", adminToken, http.StatusTooManyRequests},
	} {
		resp, body := call(tc.method, tc.path, tc.token)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, body, tc.want)
			continue
		}
		switch tc.want {
		case http.StatusUnauthorized:
			if resp.Header.Get("WWW-Authenticate") == "" || !strings.Contains(body, "Authorization: Bearer") {
				t.Errorf("%s: 401 without WWW-Authenticate or help: %s", tc.name, body)
			}
		case http.StatusForbidden:
			if !strings.Contains(body, "read-only") {
				t.Errorf("%s: 403 does not say why: %s", tc.name, body)
			}
		case http.StatusTooManyRequests:
			if resp.Header.Get("Retry-After") != "200" || !strings.Contains(body, "retry after 200 seconds") {
				t.Errorf("%s: Retry-After %q, body %s; want 200 s (one more every 10m/3)", tc.name, resp.Header.Get("Retry-After"), body)
			}
		}
	}
	env.now = env.now.Add(200 * time.Second)
	if resp, body := call("GET", "/api/admin/outbox", adminToken); resp.StatusCode != http.StatusOK {
		t.Errorf("after Retry-After: %d %s", resp.StatusCode, body)
	}
	if got := metric(t, env, `civivote_throttle_failures_total{throttle="auth"}`); got != "3" {
		t.Errorf("auth failures metric = %q, want 3", got)
	}
	noTokenInLogs(t, env.logs, adminToken, observerToken)
}

func TestOversizedBodiesAre413(t *testing.T) {
	sum := sha256.Sum256([]byte("committee-token-for-the-admin-api"))
	env, token := newAbuseEnv(t, Limits{}, APITokens{Admin: &sum})
	// A JSON call over its 64 KiB.
	req, _ := http.NewRequest("POST", env.ts.URL+"/api/admin/outbox/retry",
		strings.NewReader(`{"ids":[`+strings.Repeat("1,", 40<<10)+`1]}`))
	req.Header.Set("Authorization", "Bearer committee-token-for-the-admin-api")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "over 64 KiB") {
		t.Errorf("large JSON = %d %s, want 413 saying the limit", resp.StatusCode, body)
	}
	// Any body declared over 1 MiB, on any route, is refused before a handler sees it.
	req, _ = http.NewRequest("PUT", env.ts.URL+"/api/admin/elections/x", strings.NewReader(strings.Repeat("a", maxRequestBytes+1)))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "nothing changed") {
		t.Errorf("2 MiB body = %d %s, want 413", resp.StatusCode, body)
	}
	// A member form over its limit gets a page saying what to do, and nothing is stored.
	c := newClient(t)
	page := openLink(t, env, c, token)
	resp, page413 := do(t, c, "POST", page+"/nomination", url.Values{"csrf": {pageCSRF(t, c, page)},
		"position": {"treasurer"}, "statement": {strings.Repeat("x", maxFormBytes)}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page413, "That was too long") ||
		!strings.Contains(page413, "shorten your statement") {
		t.Errorf("huge nomination form = %d:\n%s", resp.StatusCode, page413)
	}
	if env.store.writes != 0 {
		t.Errorf("an oversized form stored something (%d writes)", env.store.writes)
	}
}
