package web_test

import (
	"crypto/sha256"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
	"github.com/prometheus/client_golang/prometheus"
)

var _ web.Challenges = (*store.DB)(nil)

const (
	challengeAdminToken    = "challenge-admin-token-0123456789"
	challengeObserverToken = "challenge-observer-token-0123456789"
	// lateJoiner joined after roll_closes: in good standing, with no personal link.
	lateJoiner = 301
)

// newChallengeEnv is newVotingEnv with challenged ballots allowed and the roll closed on
// 31 January, a late joiner (301, Lee Late) and the committee's admin API on.
func newChallengeEnv(t *testing.T, allow bool) *votingEnv {
	t.Helper()
	env := newVotingEnv(t)
	extra := "\nroll_closes: 2023-01-31T23:59\n"
	if allow {
		extra += "challenged_ballots: true\n"
	}
	env.exec(`UPDATE elections SET definition = CONCAT(definition, ?), definition_hash = UNHEX(SHA2(CONCAT(definition, ?), 256))`, extra, extra)
	env.exec(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at) VALUES (?, 'Lee Late', TRUE, ?, ?)`,
		lateJoiner, time.Date(2023, 2, 3, 9, 0, 0, 0, time.UTC), inVoting)
	var err error
	if env.election, err = env.db.GetElection(env.ctx, slug); err != nil {
		t.Fatal(err)
	}
	admin, observer := sha256.Sum256([]byte(challengeAdminToken)), sha256.Sum256([]byte(challengeObserverToken))
	s := web.New(web.Options{Registry: prometheus.NewRegistry(), Voters: env.db, Nominations: env.db,
		PublicCandidates: env.db, Ballots: env.db, Challenges: env.db, TokenSecret: links.Secret, PublicURL: "http://127.0.0.1",
		Tokens:  web.APITokens{Admin: &admin, Observer: &observer},
		Contact: "the election committee at elections@example.org", Now: func() time.Time { return *env.clock.Load() }})
	env.ts.Close()
	env.ts = httptest.NewServer(s.Handler())
	t.Cleanup(env.ts.Close)
	return env
}

func challengeLink(contact int64) string {
	return "/c/" + slug + "/" + election.ChallengeToken(links.Secret, slug, contact)
}

// openChallenge opens a challenge link with a fresh client and returns the client, the
// page's URL and its form token.
func (env *votingEnv) openChallenge(contact int64) (*http.Client, string, string) {
	env.t.Helper()
	c := client(env.t)
	page := env.ts.URL + "/member/" + slug + "/challenge"
	resp, _ := send(env.t, c, "GET", env.ts.URL+challengeLink(contact), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/member/"+slug+"/challenge" {
		env.t.Fatalf("opening %d's challenge link: %d to %q", contact, resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := send(env.t, c, "GET", page, nil)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		env.t.Fatalf("no form on %d's challenge page:\n%s", contact, body)
	}
	return c, page, m[1]
}

// formOf reads the fields of the form posting to action.
func formOf(t *testing.T, body, action string) url.Values {
	t.Helper()
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form to %s in:\n%s", action, body)
	}
	f := body[i:]
	f = f[:strings.Index(f, "</form>")]
	out := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(f, -1) {
		out.Add(m[1], html.UnescapeString(m[2]))
	}
	return out
}

func TestChallengedBallotOfALapsedMember(t *testing.T) {
	env := newChallengeEnv(t, true)
	c := client(t)
	resp, _ := send(t, c, "GET", env.ts.URL+"/v/"+token(103, 0), nil)
	wantStatus(t, "link", resp, http.StatusSeeOther, "")
	page := env.ts.URL + "/member/" + slug
	resp, body := send(t, c, "GET", page, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/member/"+slug+"/challenge" {
		t.Fatalf("lapsed member's page: %d to %q, want the challenged ballot\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	resp, body = send(t, c, "GET", page+"/challenge", nil)
	wantStatus(t, "challenge page", resp, http.StatusOK, body)
	for _, want := range []string{"not in good standing according to the membership records (lapsed)", "challenged ballot",
		"counted like every other", "destroyed unread", `<textarea id="reason" name="reason"`, `maxlength="1000"`,
		`<legend><span class="legend-title">Treasurer</span></legend>`, `action="/member/` + slug + `/challenge/review"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the challenge page lacks %q", want)
		}
	}
	csrf := csrfField.FindStringSubmatch(body)[1]
	before := env.state()

	// No reason and three choices for two seats: both problems at once, choices kept.
	resp, body = send(t, c, "POST", page+"/challenge/review", ballot(csrf, "reason", "  ",
		"treasurer", env.id("Ann Treasurer"), "treasurer", env.id("Ben Treasurer"), "treasurer", "RON"))
	wantStatus(t, "review without a reason", resp, http.StatusUnprocessableEntity, body)
	for _, want := range []string{`<a href="#reason">Enter why you think your vote should count`, `<a href="#treasurer-` + env.id("Ann Treasurer"),
		`aria-describedby="reason-hint reason-error" aria-invalid="true"`, `<title>Error: Challenged ballot`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused review lacks %q:\n%s", want, body)
		}
	}
	if !strings.Contains(body, `value="`+env.id("Ben Treasurer")+`" checked`) {
		t.Error("the choices were not kept")
	}

	reason := `I paid my dues on 3 February <by card> & have the receipt`
	resp, body = send(t, c, "POST", page+"/challenge/review", ballot(csrf, "reason", reason,
		"treasurer", env.id("Ann Treasurer"), "membership-officer", env.id("Dan Membership")))
	wantStatus(t, "review", resp, http.StatusOK, body)
	for _, want := range []string{"<p>I paid my dues on 3 February &lt;by card&gt; &amp; have the receipt</p>",
		"<dd>Ann Treasurer</dd>", "Cast my challenged ballot"} {
		if !strings.Contains(body, want) {
			t.Errorf("the review lacks %q:\n%s", want, body)
		}
	}
	if env.state() != before || env.count(`SELECT COUNT(*) FROM challenged_ballots`) != 0 {
		t.Fatal("reviewing stored something")
	}
	cast := formOf(t, body, "/member/"+slug+"/challenge/cast")
	if cast.Get("reason") != reason {
		t.Errorf("the cast form carries reason %q", cast.Get("reason"))
	}
	resp, body = send(t, c, "POST", page+"/challenge/cast", cast)
	wantStatus(t, "cast", resp, http.StatusOK, body)
	if !strings.Contains(body, "It is counted only if the election committee accepts it.") || receiptRe.FindStringSubmatch(body) == nil {
		t.Errorf("the receipt page:\n%s", body)
	}
	code := receiptRe.FindStringSubmatch(body)[1]
	if n := env.count(`SELECT COUNT(*) FROM challenged_ballots WHERE contact_id = 103 AND status = 'open' AND receipt_code = ?`, code); n != 1 {
		t.Errorf("%d open challenged ballots with the receipt shown, want 1", n)
	}
	if n := env.count(`SELECT COUNT(*) FROM ballots`); n != 0 {
		t.Errorf("%d ballots counted, want 0", n)
	}

	// Again: the page and a replayed cast say it is done.
	resp, body = send(t, c, "POST", page+"/challenge/cast", cast)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "You have cast a challenged ballot") {
		t.Errorf("replayed cast: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = send(t, c, "GET", page, nil)
	_, body = send(t, c, "GET", page+"/challenge", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(body, "has not ruled on it yet") {
		t.Errorf("the page after casting:\n%s", body)
	}
	if n := env.count(`SELECT COUNT(*) FROM challenged_ballots`); n != 1 {
		t.Errorf("%d challenged ballots, want 1", n)
	}

	// A forged form token changes nothing.
	resp, _ = send(t, c, "POST", page+"/challenge/review", ballot("forged", "reason", "x"))
	wantStatus(t, "forged token", resp, http.StatusForbidden, "")
}

func TestChallengeLinksOfTheCommittee(t *testing.T) {
	env := newChallengeEnv(t, true)
	c, page, csrf := env.openChallenge(lateJoiner)
	_, body := send(t, c, "GET", page, nil)
	if !strings.Contains(body, "joined after the roll closed") {
		t.Errorf("the late joiner's page does not say why they are off the roll:\n%s", body)
	}
	resp, body := send(t, c, "POST", page+"/review", ballot(csrf, "reason", "I joined on 3 February", "treasurer", env.id("Ben Treasurer")))
	wantStatus(t, "review", resp, http.StatusOK, body)
	resp, body = send(t, c, "POST", page+"/cast", formOf(t, body, "/member/"+slug+"/challenge/cast"))
	wantStatus(t, "cast", resp, http.StatusOK, body)

	// A member on the roll is sent to their ordinary ballot; a forged or foreign token is
	// the same dead link as any other.
	c = client(t)
	send(t, c, "GET", env.ts.URL+challengeLink(101), nil)
	resp, body = send(t, c, "GET", page, nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "ordinary ballot through your personal link") {
		t.Errorf("member on the roll: %d\n%s", resp.StatusCode, body)
	}
	forged := election.ChallengeToken([]byte("another secret entirely, 32 bytes+"), slug, lateJoiner)
	other := election.ChallengeToken(links.Secret, "another-election", lateJoiner)
	for _, tok := range []string{forged, other, "short"} {
		resp, body = send(t, client(t), "GET", env.ts.URL+"/c/"+slug+"/"+tok, nil)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "This personal link does not work") {
			t.Errorf("token %q: %d\n%s", tok, resp.StatusCode, body)
		}
	}
	// Without any link the page is closed.
	resp, _ = send(t, client(t), "GET", page, nil)
	wantStatus(t, "no cookie", resp, http.StatusForbidden, "")

	// After the close a challenge link says voting has closed.
	env.setClock(inVoting.AddDate(0, 1, 0))
	c = client(t)
	send(t, c, "GET", env.ts.URL+challengeLink(999), nil)
	resp, body = send(t, c, "GET", page, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Voting closed on") {
		t.Errorf("after the close: %d\n%s", resp.StatusCode, body)
	}
}

func TestNoChallengedBallotWhereTheElectionTakesNone(t *testing.T) {
	env := newChallengeEnv(t, false)
	c := client(t)
	send(t, c, "GET", env.ts.URL+"/v/"+token(103, 0), nil)
	resp, body := send(t, c, "GET", env.ts.URL+"/member/"+slug, nil)
	if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, "not in good standing") {
		t.Errorf("lapsed member's page: %d\n%s", resp.StatusCode, body)
	}
	c = client(t)
	send(t, c, "GET", env.ts.URL+challengeLink(lateJoiner), nil)
	resp, body = send(t, c, "GET", env.ts.URL+"/member/"+slug+"/challenge", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "does not take challenged ballots") {
		t.Errorf("challenge page: %d\n%s", resp.StatusCode, body)
	}
}

func TestChallengesAdminAPI(t *testing.T) {
	env := newChallengeEnv(t, true)
	c, page, csrf := env.openChallenge(lateJoiner)
	resp, body := send(t, c, "POST", page+"/review", ballot(csrf, "reason", "joined in time", "treasurer", env.id("Ben Treasurer")))
	wantStatus(t, "review", resp, http.StatusOK, body)
	resp, body = send(t, c, "POST", page+"/cast", formOf(t, body, "/member/"+slug+"/challenge/cast"))
	wantStatus(t, "cast", resp, http.StatusOK, body)

	call := func(method, path, tok, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, env.ts.URL+"/api/admin/elections/"+slug+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		return resp.StatusCode, m
	}
	code, list := call("GET", "/challenges", challengeObserverToken, "")
	items, _ := list["challenges"].([]any)
	if code != http.StatusOK || len(items) != 1 {
		t.Fatalf("list: %d %v", code, list)
	}
	first := items[0].(map[string]any)
	if first["name"] != "Lee Late" || first["off_roll"] != "joined_late" || first["status"] != "open" || first["reason"] != "joined in time" {
		t.Errorf("listed %v", first)
	}
	for _, k := range []string{"choices", "receipt", "receipt_code"} {
		if _, ok := first[k]; ok {
			t.Errorf("the list shows %s", k)
		}
	}
	id := formID(int64(first["id"].(float64)))
	if code, m := call("POST", "/challenges/"+id, challengeObserverToken, `{"decision":"accept","reason":"ok"}`); code != http.StatusForbidden {
		t.Errorf("observer ruling: %d %v", code, m)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"decision":"maybe","reason":"x"}`, `"decision" must be "accept"`},
		{`{"decision":"accept"}`, "give the reason"},
		{`{"decision":"accept","reason":"x","extra":1}`, "not valid JSON"},
	} {
		if code, m := call("POST", "/challenges/"+id, challengeAdminToken, tc.body); code != http.StatusBadRequest || !strings.Contains(m["error"].(string), tc.want) {
			t.Errorf("%s: %d %v", tc.body, code, m)
		}
	}
	if code, m := call("POST", "/challenges/999999", challengeAdminToken, `{"decision":"reject","reason":"x"}`); code != http.StatusNotFound {
		t.Errorf("unknown id: %d %v", code, m)
	}
	if n := env.count(`SELECT COUNT(*) FROM ballots`); n != 0 {
		t.Fatalf("refused rulings counted a ballot")
	}
	code, m := call("POST", "/challenges/"+id, challengeAdminToken, `{"decision":"accept","reason":"membership records show 30 January"}`)
	ruled, _ := m["challenge"].(map[string]any)
	if code != http.StatusOK || ruled["status"] != "accepted" || ruled["ruled_at"] == nil {
		t.Errorf("accept: %d %v", code, m)
	}
	want := []election.Choices{{"treasurer": {env.cand["Ben Treasurer"]}}}
	if got := env.storedBallots(); len(got) != 1 || got[0]["treasurer"][0] != want[0]["treasurer"][0] {
		t.Errorf("counted ballots %v, want %v", got, want)
	}
	if code, _ := call("POST", "/challenges/"+id, challengeAdminToken, `{"decision":"reject","reason":"again"}`); code != http.StatusConflict {
		t.Errorf("second ruling: %d, want 409", code)
	}
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'challenge.accepted' AND actor = 'api:admin'`); n != 1 {
		t.Errorf("%d audited acceptances by api:admin, want 1", n)
	}
}
