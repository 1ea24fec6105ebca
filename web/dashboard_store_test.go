package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/civivote/civivote/web"
	"github.com/prometheus/client_golang/prometheus"
)

var _ web.AdminSessions = (*store.DB)(nil)

const (
	adminToken    = "dashboard-admin-token-0123456789"
	observerToken = "dashboard-observer-token-0123456789"
)

// dashData is the store as the dashboard reads it; cmd/civivote wires the same adapter.
type dashData struct{ *store.DB }

func (d dashData) MemberRolls(ctx context.Context, contactID int64) ([]web.MemberRoll, error) {
	rolls, err := d.DB.MemberRolls(ctx, contactID)
	out := make([]web.MemberRoll, 0, len(rolls))
	for _, m := range rolls {
		out = append(out, web.MemberRoll(m))
	}
	return out, err
}

// dashEnv is the dashboard over a real database holding the WISE-RA fixture in
// nominations, with links issued to Ada Worker (101) and Bo Member (102) and a pending
// nomination from each: Ada for Treasurer, Bo for Membership Officer.
type dashEnv struct {
	*storeEnv
	clock atomic.Pointer[time.Time]
	ada   int64 // Ada's candidate id
	bo    int64
}

func newDashEnv(t *testing.T) *dashEnv {
	t.Helper()
	env := &dashEnv{storeEnv: &storeEnv{t: t, ctx: context.Background(), db: storetest.OpenDSN(t, storetest.NewDatabase(t))}}
	src, err := os.ReadFile("testdata/wise-ra-2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	def, err := election.Parse(bytes.NewReader(src), "wise-ra-2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	applied := time.Date(2022, 12, 1, 9, 0, 0, 0, time.UTC)
	if _, err := env.db.ApplyElection(env.ctx, def, src, "test", applied); err != nil {
		t.Fatal(err)
	}
	for contact, name := range map[int64]string{101: "Ada Worker", 102: "Bo Member"} {
		env.exec(`INSERT INTO members (contact_id, display_name, email, in_good_standing, first_seen_at, last_seen_at)
			VALUES (?, ?, ?, TRUE, ?, ?)`, contact, name, strings.ToLower(strings.Fields(name)[0])+"@example.org", applied, applied)
	}
	if _, err := env.db.AdvanceDue(env.ctx, links, inNominations); err != nil {
		t.Fatal(err)
	}
	for contact, n := range map[int64]election.Nomination{
		101: {PositionKey: "treasurer", Statement: "Ada for Treasurer.", CoOfficership: true},
		102: {PositionKey: "membership-officer", Statement: "Bo <b>for</b> Membership."},
	} {
		v, err := env.db.VoterByToken(env.ctx, election.HashToken(token(contact, 0)))
		if err != nil {
			t.Fatal(err)
		}
		c, err := env.db.Nominate(env.ctx, v, n, inNominations)
		if err != nil {
			t.Fatal(err)
		}
		if contact == 101 {
			env.ada = c.ID
		} else {
			env.bo = c.ID
		}
	}
	env.setClock(inNominations)
	admin, observer := sha256.Sum256([]byte(adminToken)), sha256.Sum256([]byte(observerToken))
	s := web.New(web.Options{Registry: prometheus.NewRegistry(), Tokens: web.APITokens{Admin: &admin, Observer: &observer},
		Elections: electionsOf{env.db}, Candidates: env.db, Turnouts: env.db, TokenSecret: links.Secret, PublicURL: "http://127.0.0.1",
		Now: func() time.Time { return *env.clock.Load() },
		Dashboard: web.DashboardOptions{Sessions: env.db, Data: dashData{env.db}, SessionTTL: time.Hour,
			Settings: []web.ConfigSetting{{Name: "CIVIVOTE_TOKEN_SECRET", Value: "(set, hidden)"}}}})
	env.ts = httptest.NewServer(s.Handler())
	t.Cleanup(env.ts.Close)
	return env
}

func (env *dashEnv) setClock(t time.Time) { env.clock.Store(&t) }

// signIn signs in with tok and returns the browser-like client and the overview's form
// token.
func (env *dashEnv) signIn(tok string) (*http.Client, string) {
	env.t.Helper()
	c := client(env.t)
	resp, body := send(env.t, c, "POST", env.ts.URL+"/admin/sign-in", url.Values{"token": {tok}, "next": {"/admin"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		env.t.Fatalf("sign-in: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	resp, body = send(env.t, c, "GET", env.ts.URL+"/admin", nil)
	wantStatus(env.t, "overview", resp, http.StatusOK, body)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		env.t.Fatalf("the overview has no sign-out form:\n%s", body)
	}
	return c, m[1]
}

func (env *dashEnv) status(id int64) election.CandidateStatus {
	env.t.Helper()
	list, err := env.db.Candidates(env.ctx, slug)
	if err != nil {
		env.t.Fatal(err)
	}
	for _, c := range list {
		if c.ID == id {
			return c.Status
		}
	}
	env.t.Fatalf("no candidate %d", id)
	return ""
}

func TestDashboardSignInSessionAndSignOut(t *testing.T) {
	env := newDashEnv(t)

	// Without a session every page sends the browser to sign in, keeping where it was going.
	resp, _ := send(t, client(t), "GET", env.ts.URL+"/admin/elections/"+slug, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/sign-in?next="+url.QueryEscape("/admin/elections/"+slug) {
		t.Fatalf("no session: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// A wrong token gets the same page back, 401, and one message whatever the token was.
	var pages []string
	for _, tok := range []string{"wrong", adminToken + "x", observerToken[:20]} {
		resp, body := send(t, client(t), "POST", env.ts.URL+"/admin/sign-in", url.Values{"token": {tok}})
		wantStatus(t, "wrong token", resp, http.StatusUnauthorized, body)
		if len(resp.Cookies()) != 0 {
			t.Errorf("a wrong token set a cookie: %v", resp.Cookies())
		}
		pages = append(pages, body)
	}
	if pages[0] != pages[1] || pages[1] != pages[2] || !strings.Contains(pages[0], "That token was not accepted") {
		t.Errorf("wrong tokens get different pages, or no message:\n%s", pages[0])
	}
	if n := env.count(`SELECT COUNT(*) FROM admin_sessions`); n != 0 {
		t.Errorf("%d sessions after wrong tokens", n)
	}

	// The session cookie: random id, hashed in the table, HttpOnly, SameSite=Strict, /admin only.
	c := client(t)
	resp, _ = send(t, c, "POST", env.ts.URL+"/admin/sign-in", url.Values{"token": {adminToken}, "next": {"https://evil.example/"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	ck := resp.Cookies()[0]
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/admin" || ck.Secure || ck.MaxAge != 3600 {
		t.Errorf("cookie %+v", ck)
	}
	sum := sha256.Sum256([]byte(ck.Value))
	if n := env.count(`SELECT COUNT(*) FROM admin_sessions WHERE id_hash = ? AND role = 'admin'`, sum[:]); n != 1 {
		t.Errorf("the session is not stored by its hash (%d rows)", n)
	}
	resp, body := send(t, c, "GET", env.ts.URL+"/admin", nil)
	wantStatus(t, "overview", resp, http.StatusOK, body)
	for _, want := range []string{"Signed in as admin", "Members in good standing", "2023 IWW WISE-RA", "nominations open"} {
		if !strings.Contains(body, want) {
			t.Errorf("the overview lacks %q", want)
		}
	}

	// The session ends after its TTL (clock injected).
	env.setClock(inNominations.Add(time.Hour + time.Second))
	resp, _ = send(t, c, "GET", env.ts.URL+"/admin", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/sign-in") {
		t.Errorf("an expired session: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	env.setClock(inNominations)

	// Sign-out deletes the row; the old cookie no longer works.
	c, csrf := env.signIn(observerToken)
	before := env.count(`SELECT COUNT(*) FROM admin_sessions`)
	resp, _ = send(t, c, "POST", env.ts.URL+"/admin/sign-out", url.Values{"csrf": {csrf}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/sign-in?signed_out=1" {
		t.Fatalf("sign-out: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if after := env.count(`SELECT COUNT(*) FROM admin_sessions`); after != before-1 {
		t.Errorf("sessions %d before sign-out, %d after", before, after)
	}
	if resp, _ := send(t, c, "GET", env.ts.URL+"/admin", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out the overview answers %d", resp.StatusCode)
	}
}

func TestDashboardFailedSignInsAreLimited(t *testing.T) {
	env := newDashEnv(t)
	var last *http.Response
	for range 11 {
		last, _ = send(t, client(t), "POST", env.ts.URL+"/admin/sign-in", url.Values{"token": {"guess"}})
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("the 11th wrong token: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	// Even the right token waits, so guessing cannot go on; later it works again.
	if resp, _ := send(t, client(t), "POST", env.ts.URL+"/admin/sign-in", url.Values{"token": {adminToken}}); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right token while limited: %d", resp.StatusCode)
	}
	env.setClock(inNominations.Add(2 * time.Minute))
	env.signIn(adminToken)
}

func TestDashboardAcceptAndRejectCandidates(t *testing.T) {
	env := newDashEnv(t)
	c, csrf := env.signIn(adminToken)
	page := env.ts.URL + "/admin/elections/" + slug
	resp, body := send(t, c, "GET", page, nil)
	wantStatus(t, "election page", resp, http.StatusOK, body)
	for _, want := range []string{"Ada Worker", "Ada for Treasurer.", "Bo &lt;b&gt;for&lt;/b&gt; Membership.", "/candidates/" + formID(env.ada) + "/accept"} {
		if !strings.Contains(body, want) {
			t.Errorf("the election page lacks %q", want)
		}
	}
	audits := env.count(`SELECT COUNT(*) FROM audit_log`)

	resp, _ = send(t, c, "POST", page+"/candidates/"+formID(env.ada)+"/accept", url.Values{"csrf": {csrf}})
	if resp.StatusCode != http.StatusSeeOther || env.status(env.ada) != election.Accepted {
		t.Fatalf("accept: %d, status %s", resp.StatusCode, env.status(env.ada))
	}
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE actor = 'dashboard:admin' AND action LIKE 'candidate.%'`); n != 1 {
		t.Errorf("%d audit entries by dashboard:admin after accepting", n)
	}
	_, body = send(t, c, "GET", env.ts.URL+resp.Header.Get("Location"), nil)
	if !strings.Contains(body, "The candidate was accepted.") {
		t.Error("the page does not say the candidate was accepted")
	}

	// A rejection without a reason comes back with the problem and changes nothing.
	resp, body = send(t, c, "POST", page+"/candidates/"+formID(env.bo)+"/reject", url.Values{"csrf": {csrf}, "reason": {"  "}})
	wantStatus(t, "reject without a reason", resp, http.StatusBadRequest, body)
	if !strings.Contains(body, "Give the reason for the rejection") || env.status(env.bo) != election.Pending {
		t.Errorf("a reasonless rejection: status %s\n%s", env.status(env.bo), body)
	}
	resp, _ = send(t, c, "POST", page+"/candidates/"+formID(env.bo)+"/reject", url.Values{"csrf": {csrf}, "reason": {"Not a member for a year."}})
	if resp.StatusCode != http.StatusSeeOther || env.status(env.bo) != election.Rejected {
		t.Fatalf("reject: %d, status %s", resp.StatusCode, env.status(env.bo))
	}
	if got := env.count(`SELECT COUNT(*) FROM audit_log`) - audits; got != 2 {
		t.Errorf("%d audit entries for two decisions", got)
	}
}

func TestDashboardRefusesObserversAndForgedForms(t *testing.T) {
	env := newDashEnv(t)
	accept := env.ts.URL + "/admin/elections/" + slug + "/candidates/" + formID(env.ada) + "/accept"

	obs, obsCSRF := env.signIn(observerToken)
	resp, body := send(t, obs, "GET", env.ts.URL+"/admin/elections/"+slug, nil)
	wantStatus(t, "observer's election page", resp, http.StatusOK, body)
	if strings.Contains(body, "/accept") || strings.Contains(body, "/reject") || !strings.Contains(body, "observer (read-only)") {
		t.Error("the observer's page offers actions or does not say it is read-only")
	}
	before := env.changes()
	resp, body = send(t, obs, "POST", accept, url.Values{"csrf": {obsCSRF}})
	wantStatus(t, "observer POST", resp, http.StatusForbidden, body)

	adm, csrf := env.signIn(adminToken)
	for name, form := range map[string]url.Values{
		"no token":                 {},
		"forged":                   {"csrf": {"forged"}},
		"another session's token":  {"csrf": {obsCSRF}},
		"a token with a character": {"csrf": {csrf + "x"}},
	} {
		resp, body := send(t, adm, "POST", accept, form)
		wantStatus(t, name, resp, http.StatusForbidden, body)
	}
	// A cross-site POST is refused before it reaches the handler.
	req, _ := http.NewRequest("POST", accept, strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := adm.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %v %v", resp.StatusCode, err)
	}
	if env.changes() != before || env.status(env.ada) != election.Pending {
		t.Error("a refused POST changed the database")
	}
}

func TestDashboardPagesForObservers(t *testing.T) {
	env := newDashEnv(t)
	c, _ := env.signIn(observerToken)
	for path, want := range map[string]string{
		"/admin/sync":                     "No sync has been applied yet.",
		"/admin/config":                   "CIVIVOTE_TOKEN_SECRET",
		"/admin/members?q=101":            "issued ",
		"/admin/members?q=bo@example.org": "Contact 102",
		"/admin/elections/nope":           "there is no election",
	} {
		resp, body := send(t, c, "GET", env.ts.URL+path, nil)
		if !strings.Contains(body, want) {
			t.Errorf("%s (%d) lacks %q:\n%s", path, resp.StatusCode, want, body)
		}
	}
	resp, body := send(t, c, "GET", env.ts.URL+"/admin/members?q=nobody", nil)
	wantStatus(t, "bad lookup", resp, http.StatusBadRequest, body)
}

// electionsOf is the store as web.Elections, as cmd/civivote adapts it.
type electionsOf struct{ db *store.DB }

func (e electionsOf) ApplyElection(ctx context.Context, def *election.Definition, src []byte, actor string, now time.Time) (election.Change, error) {
	return e.db.ApplyElection(ctx, def, src, actor, now)
}

func (e electionsOf) ListElections(ctx context.Context) ([]web.StoredElection, error) {
	list, err := e.db.ListElections(ctx)
	out := make([]web.StoredElection, 0, len(list))
	for _, el := range list {
		out = append(out, web.StoredElection{Election: &el.Election, Hash: el.Hash, UpdatedAt: el.UpdatedAt})
	}
	return out, err
}

func (e electionsOf) GetElection(ctx context.Context, slug string) (web.StoredElection, error) {
	el, err := e.db.GetElection(ctx, slug)
	if err != nil {
		return web.StoredElection{}, err
	}
	return web.StoredElection{Election: &el.Election, Hash: el.Hash, UpdatedAt: el.UpdatedAt}, nil
}

func (e electionsOf) AdvanceElection(ctx context.Context, slug, reason, actor string, now time.Time) (election.State, error) {
	return e.db.AdvanceElection(ctx, slug, reason, links, actor, now)
}
