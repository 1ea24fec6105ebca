package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/civivote/civivote/web"
	"github.com/prometheus/client_golang/prometheus"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The store is what cmd/civivote passes: it must satisfy web's interfaces as it is.
var (
	_ web.Voters           = (*store.DB)(nil)
	_ web.Nominations      = (*store.DB)(nil)
	_ web.PublicCandidates = (*store.DB)(nil)
)

var links = store.LinkConfig{Secret: []byte("web-test-token-secret-0123456789abcdef"), Field: "Union_Sync.voting_link"}

// inNominations is inside the fixture's nominations window (London is on UTC in winter).
var inNominations = time.Date(2023, 1, 10, 12, 0, 0, 0, time.UTC)

const slug = "wise-ra-2023"

// storeEnv is the member pages over a real database holding the WISE-RA fixture in
// nominations, with links issued to Ada Worker (101) and Bo Member (102), and Cy Lapsed
// (103), who lapsed after getting a link.
type storeEnv struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
	ts  *httptest.Server
}

func newStoreEnv(t *testing.T) *storeEnv {
	t.Helper()
	env := &storeEnv{t: t, ctx: context.Background(), db: storetest.OpenDSN(t, storetest.NewDatabase(t))}
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
	for contact, name := range map[int64]string{101: "Ada Worker", 102: "Bo Member", 103: "Cy Lapsed"} {
		env.exec(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at)
			VALUES (?, ?, TRUE, ?, ?)`, contact, name, applied, applied)
	}
	if _, err := env.db.AdvanceDue(env.ctx, links, inNominations); err != nil { // opens nominations, issues links
		t.Fatal(err)
	}
	env.exec(`UPDATE members SET in_good_standing = FALSE WHERE contact_id = 103`)
	s := web.New(web.Options{Registry: prometheus.NewRegistry(), Voters: env.db, Nominations: env.db,
		PublicCandidates: env.db, TokenSecret: links.Secret, PublicURL: "http://127.0.0.1",
		Contact: "the election committee at elections@example.org", Now: func() time.Time { return inNominations }})
	env.ts = httptest.NewServer(s.Handler())
	t.Cleanup(env.ts.Close)
	return env
}

func (env *storeEnv) exec(query string, args ...any) {
	env.t.Helper()
	if _, err := env.db.SQL().ExecContext(env.ctx, query, args...); err != nil {
		env.t.Fatal(err)
	}
}

func (env *storeEnv) count(query string, args ...any) int {
	env.t.Helper()
	var n int
	if err := env.db.SQL().QueryRowContext(env.ctx, query, args...).Scan(&n); err != nil {
		env.t.Fatal(err)
	}
	return n
}

// changes counts the rows that any change to candidates or links leaves behind.
func (env *storeEnv) changes() int {
	return env.count(`SELECT (SELECT COUNT(*) FROM candidates) + (SELECT COUNT(*) FROM audit_log) +
		(SELECT COUNT(*) FROM outbox) + (SELECT COALESCE(SUM(generation), 0) FROM voters)`)
}

func token(contact int64, generation int) string {
	return election.DeriveToken(links.Secret, slug, contact, generation)
}

func client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func send(t *testing.T, c *http.Client, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// open opens contact's first link (generation 0) with a fresh browser-like client; it returns the client, the
// member page's URL and the page's form token.
func (env *storeEnv) open(contact int64) (*http.Client, string, string) {
	env.t.Helper()
	c := client(env.t)
	resp, _ := send(env.t, c, "GET", env.ts.URL+"/v/"+token(contact, 0), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/member/"+slug {
		env.t.Fatalf("opening %d's link: %d to %q", contact, resp.StatusCode, resp.Header.Get("Location"))
	}
	page := env.ts.URL + "/member/" + slug
	_, body := send(env.t, c, "GET", page, nil)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		env.t.Fatalf("no form on %d's page:\n%s", contact, body)
	}
	return c, page, m[1]
}

func words(n int) string { return strings.TrimSpace(strings.Repeat("solidarity ", n)) }

func TestStoreLinksGetsAndFormTokens(t *testing.T) {
	env := newStoreEnv(t)
	before := env.changes()

	// A mail scanner fetching everything, twice, changes nothing.
	c, page, _ := env.open(101)
	for range 2 {
		for _, u := range []string{"/v/" + token(101, 0), "/member/" + slug, "/member/" + slug + "/withdraw?position=treasurer",
			"/elections/" + slug + "/candidates"} {
			send(t, c, "GET", env.ts.URL+u, nil)
		}
	}
	if env.changes() != before {
		t.Error("GET requests changed the database")
	}

	// Unknown and revoked links: same status, same page.
	if err := env.db.ReissueLink(env.ctx, slug, 102, links, "test", inNominations); err != nil {
		t.Fatal(err)
	}
	r1, unknown := send(t, client(t), "GET", env.ts.URL+"/v/"+token(999, 0), nil)
	r2, revoked := send(t, client(t), "GET", env.ts.URL+"/v/"+token(102, 0), nil)
	if r1.StatusCode != 404 || r2.StatusCode != 404 || unknown != revoked {
		t.Errorf("unknown link %d, revoked link %d; same page: %v", r1.StatusCode, r2.StatusCode, unknown == revoked)
	}
	if r, _ := send(t, client(t), "GET", env.ts.URL+"/v/"+token(102, 1), nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the reissued link = %d, want 303", r.StatusCode)
	}

	// Forged forms store nothing.
	before = env.changes()
	for _, bad := range [][]string{nil, {"forged"}} {
		resp, _ := send(t, c, "POST", page+"/nomination", url.Values{"csrf": bad, "position": {"treasurer"}, "statement": {"Ada."}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("csrf %v: %d, want 403", bad, resp.StatusCode)
		}
	}
	if env.changes() != before {
		t.Error("a forged form changed the database")
	}
}

func TestStoreNominationJourney(t *testing.T) {
	env := newStoreEnv(t)
	c, page, csrf := env.open(101)

	resp, body := send(t, c, "POST", page+"/nomination", url.Values{"csrf": {csrf}, "position": {"treasurer"},
		"statement": {"Ada Worker for Treasurer. " + words(297)}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `<a href="#statement">Your statement has 301 words`) {
		t.Fatalf("301 words: %d\n%s", resp.StatusCode, body)
	}
	if n := env.count(`SELECT COUNT(*) FROM candidates`); n != 0 {
		t.Fatalf("%d candidates stored from a refused form", n)
	}

	statement := "Ada Worker for Treasurer.\n\n<script>alert(1)</script> & more"
	resp, _ = send(t, c, "POST", page+"/nomination", url.Values{"csrf": {csrf}, "position": {"treasurer"},
		"statement": {statement}, "co_officership": {"yes"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("nominate: %d", resp.StatusCode)
	}
	_, body = send(t, c, "GET", env.ts.URL+resp.Header.Get("Location"), nil)
	if !strings.Contains(body, "Your nomination is saved") || !strings.Contains(body, "Waiting for the election committee") {
		t.Errorf("page after nominating:\n%s", body)
	}

	// A second position is refused while the first stands.
	resp, body = send(t, c, "POST", page+"/nomination", url.Values{"csrf": {csrf}, "position": {"membership-officer"},
		"statement": {"Ada for Membership Officer."}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "You are already standing for Treasurer") {
		t.Errorf("second position: %d", resp.StatusCode)
	}

	// Accepted, the statement appears on the public page, escaped, as paragraphs.
	electionID := int64(env.count(`SELECT id FROM elections WHERE slug = ?`, slug))
	cands, err := env.db.MemberCandidacies(env.ctx, electionID, 101)
	if err != nil || len(cands) != 1 || cands[0].Status != election.Pending || !cands[0].CoOfficershipConsent {
		t.Fatalf("stored candidacies: %+v, %v", cands, err)
	}
	if err := env.db.AcceptCandidate(env.ctx, slug, cands[0].ID, "test", inNominations); err != nil {
		t.Fatal(err)
	}
	_, body = send(t, client(t), "GET", env.ts.URL+"/elections/"+slug+"/candidates", nil)
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>") ||
		!strings.Contains(body, "Ada Worker</h3>") || !strings.Contains(body, "Agrees to a co-officership") {
		t.Errorf("public candidates page:\n%s", body)
	}

	// Withdrawn after a confirmation page.
	resp, body = send(t, c, "GET", page+"/withdraw?position=treasurer", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "Withdraw your nomination for Treasurer?") {
		t.Fatalf("withdraw confirmation: %d", resp.StatusCode)
	}
	resp, _ = send(t, c, "POST", page+"/withdraw", url.Values{"csrf": {csrf}, "position": {"treasurer"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	if n := env.count(`SELECT COUNT(*) FROM candidates WHERE contact_id = 101 AND status = 'withdrawn'`); n != 1 {
		t.Errorf("withdrawn rows = %d, want 1", n)
	}
}

func TestStoreLapsedMemberIsToldWhy(t *testing.T) {
	env := newStoreEnv(t)
	c := client(t)
	if resp, _ := send(t, c, "GET", env.ts.URL+"/v/"+token(103, 0), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a lapsed member's link = %d, want 303 to the page that explains", resp.StatusCode)
	}
	resp, body := send(t, c, "GET", env.ts.URL+"/member/"+slug, nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "not in good standing") || strings.Contains(body, `name="statement"`) {
		t.Errorf("lapsed member's page: %d\n%s", resp.StatusCode, body)
	}
}
