package web

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
)

// do sends a request with c and returns the response and its body.
func do(t *testing.T, c *http.Client, method, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
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

// openLink opens the member's link with c and returns the member page's URL.
func openLink(t *testing.T, env *pagesEnv, c *http.Client, token string) string {
	t.Helper()
	resp, _ := do(t, c, "GET", env.ts.URL+"/v/"+token, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET /v/TOKEN = %d, want 303", resp.StatusCode)
	}
	return env.ts.URL + resp.Header.Get("Location")
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// formToken fetches the member page and returns its csrf field.
func pageCSRF(t *testing.T, c *http.Client, page string) string {
	t.Helper()
	_, body := do(t, c, "GET", page, nil)
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field on %s:\n%s", page, body)
	}
	return m[1]
}

func words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = "solidarity"
	}
	return strings.Join(w, " ")
}

func TestLinkMovesTokenIntoCookieAndRedirects(t *testing.T) {
	for _, tc := range []struct {
		publicURL  string
		wantSecure bool
	}{{"https://vote.example.org", true}, {"http://localhost:8080", false}} {
		env, token := newPagesEnv(t, tc.publicURL)
		c := newClient(t)
		resp, body := do(t, c, "GET", env.ts.URL+"/v/"+token, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/member/wise-ra-2023" {
			t.Fatalf("GET /v/TOKEN = %d to %q, want 303 to /member/wise-ra-2023", resp.StatusCode, resp.Header.Get("Location"))
		}
		if got := resp.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("Referrer-Policy = %q", got)
		}
		if strings.Contains(body, token) {
			t.Error("the redirect's body repeats the token")
		}
		cookies := resp.Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies = %v, want one", cookies)
		}
		ck := cookies[0]
		if ck.Name != "civivote_link" || ck.Value != token || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode ||
			ck.Path != "/member/wise-ra-2023" || ck.Secure != tc.wantSecure {
			t.Errorf("PUBLIC_URL %s: cookie %+v, want civivote_link=token HttpOnly SameSite=Lax Path=/member/wise-ra-2023 Secure=%v",
				tc.publicURL, ck, tc.wantSecure)
		}
		// The page itself never shows the token, and no log line holds it.
		resp, body = do(t, c, "GET", env.ts.URL+"/member/wise-ra-2023", nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "Ada Worker") {
			t.Fatalf("member page = %d:\n%s", resp.StatusCode, body)
		}
		if strings.Contains(body, token) {
			t.Error("the member page shows the token")
		}
		for _, e := range env.logs.All() {
			for k, v := range e.ContextMap() {
				if s, ok := v.(string); ok && strings.Contains(s, token) {
					t.Errorf("log line %q field %s holds the token", e.Message, k)
				}
			}
		}
	}
}

func TestUnknownRevokedAndMalformedLinksLookTheSame(t *testing.T) {
	env, _ := newPagesEnv(t, "")
	revoked := election.DeriveToken(testSecret, "wise-ra-2023", 101, 0) // an older generation
	unknown := election.DeriveToken(testSecret, "wise-ra-2023", 999, 1)
	var first string
	for i, tok := range []string{unknown, revoked, "short", strings.Repeat("!", election.TokenLen)} {
		resp, body := do(t, newClient(t), "GET", env.ts.URL+"/v/"+url.PathEscape(tok), nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("token %d: status %d, want 404", i, resp.StatusCode)
		}
		if len(resp.Cookies()) != 0 {
			t.Errorf("token %d: set a cookie", i)
		}
		if !strings.Contains(body, "This personal link does not work") || !strings.Contains(body, "elections@example.org") {
			t.Errorf("token %d: page does not explain or name a contact:\n%s", i, body)
		}
		if i == 0 {
			first = body
		} else if body != first {
			t.Errorf("token %d: page differs from the unknown token's page", i)
		}
	}
}

func TestGetChangesNothing(t *testing.T) {
	env, token := newPagesEnv(t, "")
	c := newClient(t)
	page := openLink(t, env, c, token)
	// A member with a nomination, so the withdraw confirmation page exists.
	csrf := pageCSRF(t, c, page)
	if resp, _ := do(t, c, "POST", page+"/nomination", url.Values{"csrf": {csrf}, "position": {"treasurer"},
		"statement": {"I am Ada Worker, standing for Treasurer."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("nominate = %d", resp.StatusCode)
	}
	before := env.store.writes
	// What a mail scanner or link preview does: fetch every URL it sees, repeatedly.
	for range 3 {
		for _, u := range []string{"/v/" + token, "/member/wise-ra-2023", "/member/wise-ra-2023/withdraw?position=treasurer",
			"/member/wise-ra-2023/nomination", "/elections/wise-ra-2023/candidates"} {
			do(t, c, "GET", env.ts.URL+u, nil)
			do(t, c, "HEAD", env.ts.URL+u, nil)
		}
	}
	if env.store.writes != before {
		t.Errorf("GET and HEAD requests made %d changes", env.store.writes-before)
	}
	cands, _ := env.store.MemberCandidacies(t.Context(), 7, 101)
	if len(cands) != 1 || cands[0].Status != election.Pending {
		t.Errorf("candidacies after GETs = %+v, want the one pending nomination", cands)
	}
}

func TestMemberPageWithoutLinkSaysOpenTheLink(t *testing.T) {
	env, _ := newPagesEnv(t, "")
	resp, body := do(t, newClient(t), "GET", env.ts.URL+"/member/wise-ra-2023", nil)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status %d, want 403", resp.StatusCode)
	}
	for _, want := range []string{"Open your personal link again", "elections@example.org"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	// A cookie for another election's page does not open this one.
	env2, token := newPagesEnv(t, "")
	c := newClient(t)
	openLink(t, env2, c, token)
	u, _ := url.Parse(env2.ts.URL + "/member/other-election")
	c.Jar.SetCookies(u, []*http.Cookie{{Name: linkCookie, Value: token, Path: "/member/other-election"}})
	if resp, _ := do(t, c, "GET", u.String(), nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another election's page with this link = %d, want 403", resp.StatusCode)
	}
}

func TestNominateTooLongThenFixed(t *testing.T) {
	env, token := newPagesEnv(t, "")
	c := newClient(t)
	page := openLink(t, env, c, token)
	csrf := pageCSRF(t, c, page)
	long := "I am Ada Worker & I stand <for> Treasurer. " + words(301-8)
	resp, body := do(t, c, "POST", page+"/nomination", url.Values{"csrf": {csrf}, "position": {"treasurer"},
		"statement": {long}, "co_officership": {"yes"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("301 words: status %d, want 422", resp.StatusCode)
	}
	for _, want := range []string{
		`<title>Error: Nominations`,
		`id="error-summary" role="alert" tabindex="-1" autofocus`,
		`<a href="#statement">Your statement has 301 words; the limit is 300. Shorten it by 1 word.</a>`,
		`aria-describedby="statement-hint statement-error" aria-invalid="true"`,
		`id="position-treasurer" name="position" value="treasurer" checked`,
		`id="co_officership" name="co_officership" value="yes" checked`,
		"I am Ada Worker &amp; I stand &lt;for&gt; Treasurer. solidarity",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	if env.store.writes != 0 {
		t.Fatal("a refused nomination was stored")
	}

	resp, _ = do(t, c, "POST", page+"/nomination", url.Values{"csrf": {csrf}, "position": {"treasurer"},
		"statement": {"I am Ada Worker, standing for Treasurer. " + words(292)}, "co_officership": {"yes"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/member/wise-ra-2023?done=saved" {
		t.Fatalf("300 words: %d to %q, want 303 back to the page", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = do(t, c, "GET", env.ts.URL+resp.Header.Get("Location"), nil)
	for _, want := range []string{"Your nomination is saved", "Waiting for the election committee", "Change your nomination",
		"You agreed to a co-officership", "/member/wise-ra-2023/withdraw?position=treasurer"} {
		if !strings.Contains(body, want) {
			t.Errorf("page after saving lacks %q", want)
		}
	}
}

func TestNominationRulesShownOnTheForm(t *testing.T) {
	env, token := newPagesEnv(t, "")
	c := newClient(t)
	page := openLink(t, env, c, token)
	csrf := pageCSRF(t, c, page)
	post := func(v url.Values) (int, string) {
		v.Set("csrf", csrf)
		resp, body := do(t, c, "POST", page+"/nomination", v)
		return resp.StatusCode, body
	}
	// No position, no statement: both problems at once, each linked to its field.
	code, body := post(url.Values{})
	if code != 422 || !strings.Contains(body, `<a href="#position-co-secretary-2y">Choose one of the positions listed.</a>`) {
		t.Errorf("empty form: %d, summary missing the position link", code)
	}
	// A declaration left unticked: the message links to the unticked box.
	code, body = post(url.Values{"position": {"access-facilitator"}, "statement": {"Ada for Access Facilitator."}})
	if code != 422 || !strings.Contains(body, `<a href="#decl-access-facilitator-0">To stand for Access Facilitator you must confirm`) ||
		!strings.Contains(body, `id="decl-access-facilitator-0" name="decl-access-facilitator-0" value="yes" aria-invalid="true"`) {
		t.Errorf("unticked declaration: %d\n%s", code, body)
	}
	// Another position's declaration does not count, and the chosen one's does.
	code, _ = post(url.Values{"position": {"access-facilitator"}, "statement": {"Ada for Access Facilitator."},
		"decl-access-facilitator-0": {"yes"}, "decl-equalities-officer-0": {"yes"}})
	if code != http.StatusSeeOther {
		t.Fatalf("ticked declaration: %d", code)
	}
	// A second position is refused while the first stands.
	code, body = post(url.Values{"position": {"treasurer"}, "statement": {"Ada for Treasurer."}})
	if code != 422 || !strings.Contains(body, "You are already standing for Access Facilitator") {
		t.Errorf("second position: %d\n%s", code, body)
	}
	// Co-officership consent counts only where the position allows it.
	code, _ = post(url.Values{"position": {"access-facilitator"}, "statement": {"Ada again."},
		"decl-access-facilitator-0": {"yes"}, "co_officership": {"yes"}})
	cands, _ := env.store.MemberCandidacies(t.Context(), 7, 101)
	if code != http.StatusSeeOther || len(cands) != 1 || cands[0].Statement != "Ada again." || !cands[0].CoOfficershipConsent {
		t.Errorf("edit: %d, %+v", code, cands)
	}
}

func TestFormTokenRequired(t *testing.T) {
	env, token := newPagesEnv(t, "")
	c := newClient(t)
	page := openLink(t, env, c, token)
	good := pageCSRF(t, c, page)
	other := env.store.addVoter(102, "Bo Member", true)
	c2 := newClient(t)
	otherCSRF := pageCSRF(t, c2, openLink(t, env, c2, other))
	for name, csrf := range map[string][]string{"missing": nil, "empty": {""}, "wrong": {good[:len(good)-2] + "xx"},
		"another member's": {otherCSRF}} {
		for _, action := range []string{"/nomination", "/withdraw"} {
			resp, body := do(t, c, "POST", page+action, url.Values{"csrf": csrf, "position": {"treasurer"},
				"statement": {"Ada for Treasurer."}})
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Nothing was saved") {
				t.Errorf("%s form token on %s: %d, want 403 saying nothing was saved", name, action, resp.StatusCode)
			}
		}
	}
	if env.store.writes != 0 {
		t.Errorf("%d changes stored from forged forms", env.store.writes)
	}
	// A cross-site POST is refused before the form token is even read.
	req, _ := http.NewRequest("POST", page+"/nomination", strings.NewReader(url.Values{"csrf": {good}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", resp.StatusCode)
	}
}

func TestStatementsAreEscapedAndShownAsParagraphs(t *testing.T) {
	env, token := newPagesEnv(t, "")
	c := newClient(t)
	page := openLink(t, env, c, token)
	statement := "Ada Worker, for Treasurer.\n\n<script>alert('x')</script> & <b>bold</b>\nsecond line"
	resp, _ := do(t, c, "POST", page+"/nomination", url.Values{"csrf": {pageCSRF(t, c, page)},
		"position": {"treasurer"}, "statement": {statement}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("nominate = %d", resp.StatusCode)
	}
	env.store.accept()
	resp, body := do(t, newClient(t), "GET", env.ts.URL+"/elections/wise-ra-2023/candidates", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("candidates page = %d", resp.StatusCode)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "<b>") {
		t.Error("the statement's markup reached the page unescaped")
	}
	for _, want := range []string{"<h3 id=\"candidate-1\">Ada Worker</h3>", "<p>Ada Worker, for Treasurer.</p>",
		"<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;\nsecond line</p>"} {
		if !strings.Contains(body, want) {
			t.Errorf("candidates page lacks %q:\n%s", want, body)
		}
	}
	_, body = do(t, c, "GET", page, nil)
	if strings.Contains(body, "<script>") {
		t.Error("the member page shows the statement unescaped")
	}
	if resp, _ := do(t, c, "GET", env.ts.URL+"/elections/no-such/candidates", nil); resp.StatusCode != 404 {
		t.Errorf("unknown election's candidates = %d, want 404", resp.StatusCode)
	}
}

func TestWithdrawAsksFirst(t *testing.T) {
	env, token := newPagesEnv(t, "")
	c := newClient(t)
	page := openLink(t, env, c, token)
	csrf := pageCSRF(t, c, page)
	do(t, c, "POST", page+"/nomination", url.Values{"csrf": {csrf}, "position": {"treasurer"}, "statement": {"Ada."}})
	resp, body := do(t, c, "GET", page+"/withdraw?position=treasurer", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "Withdraw your nomination for Treasurer?") {
		t.Fatalf("confirmation = %d\n%s", resp.StatusCode, body)
	}
	resp, _ = do(t, c, "POST", page+"/withdraw", url.Values{"csrf": {csrf}, "position": {"treasurer"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/member/wise-ra-2023?done=withdrawn" {
		t.Fatalf("withdraw = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = do(t, c, "GET", env.ts.URL+resp.Header.Get("Location"), nil)
	if !strings.Contains(body, "Your nomination is withdrawn") || !strings.Contains(body, "Status: <strong>Withdrawn</strong>") ||
		!strings.Contains(body, "Nominate yourself") {
		t.Errorf("page after withdrawing:\n%s", body)
	}
	if resp, _ := do(t, c, "GET", page+"/withdraw?position=treasurer", nil); resp.StatusCode != 404 {
		t.Errorf("confirming a withdrawn nomination = %d, want 404", resp.StatusCode)
	}
}

func TestLapsedMemberGetsAClearPage(t *testing.T) {
	env, _ := newPagesEnv(t, "")
	token := env.store.addVoter(103, "Cy Lapsed", false)
	c := newClient(t)
	page := openLink(t, env, c, token)
	resp, body := do(t, c, "GET", page, nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "not in good standing") ||
		!strings.Contains(body, "contact your membership administrator") {
		t.Errorf("lapsed member's page = %d\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, `name="statement"`) {
		t.Error("a lapsed member is offered the nomination form")
	}
}

func TestOutsideTheWindowThePageSaysWhen(t *testing.T) {
	env, token := newPagesEnv(t, "")
	c := newClient(t)
	page := openLink(t, env, c, token)
	csrf := pageCSRF(t, c, page)

	env.store.e.State = election.Draft
	env.now = time.Date(2022, 12, 1, 0, 0, 0, 0, time.UTC)
	_, body := do(t, c, "GET", page, nil)
	if !strings.Contains(body, "Nominations are not open yet. They open on Tuesday 27 December 2022, 00:00 GMT.") ||
		strings.Contains(body, `name="statement"`) {
		t.Errorf("before the window:\n%s", body)
	}

	env.store.e.State = election.NominationsOpen
	env.now = time.Date(2023, 1, 31, 23, 59, 0, 0, time.UTC) // the minute nominations close
	_, body = do(t, c, "GET", page, nil)
	if !strings.Contains(body, "Nominations closed on Tuesday 31 January 2023, 23:59 GMT.") ||
		!strings.Contains(body, "voting takes place from Wednesday 1 February 2023, 00:01 GMT") ||
		strings.Contains(body, `name="statement"`) {
		t.Errorf("after the window:\n%s", body)
	}
	resp, body := do(t, c, "POST", page+"/nomination", url.Values{"csrf": {csrf}, "position": {"treasurer"}, "statement": {"Ada."}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Nominations closed on Tuesday 31 January 2023, 23:59 GMT.") {
		t.Errorf("late nomination = %d\n%s", resp.StatusCode, body)
	}
	if env.store.writes != 0 {
		t.Error("a late nomination was stored")
	}
}
