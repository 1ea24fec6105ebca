package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/google/go-cmp/cmp"
)

// hiddenRe reads the review page's hidden choices (not the csrf field).
var hiddenRe = regexp.MustCompile(`<input type="hidden" name="([a-z0-9-]+)" value="([^"]*)">`)

func TestVotingJourney(t *testing.T) {
	env := newVotingEnv(t)
	c, page, csrf := env.open(101)

	_, body := send(t, c, "GET", page, nil)
	for _, want := range []string{
		`<legend><span class="legend-title">Treasurer</span></legend>`,
		`Choose up to 2. The 2 with the most votes are elected.`,
		`<input type="checkbox" id="treasurer-` + env.id("Ann Treasurer") + `" name="treasurer" value="` + env.id("Ann Treasurer") + `"`,
		`<input type="radio" id="membership-officer-` + env.id("Dan Membership") + `"`,
		`<input type="radio" id="membership-officer-blank" name="membership-officer" value="" checked>`,
		`<input type="radio" id="access-facilitator-RON" name="access-facilitator" value="RON"`,
		`<summary>Read the statement<span class="visually-hidden"> by <bdi>Eve Secretary</bdi></span></summary>`,
		`<p>I will &lt;b&gt;organise&lt;/b&gt; &amp; report.</p>`,
		`<bdi>Ann Treasurer</bdi> <span class="label-note">(agrees to a co-officership)</span>`,
		`Voting closes on`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the ballot lacks %s", want)
		}
	}
	if strings.Contains(body, `type="checkbox" id="membership-officer`) || strings.Contains(body, `id="treasurer-blank"`) {
		t.Error("a one-seat position has checkboxes, or a two-seat one a blank radio")
	}

	choices := ballot(csrf, "treasurer", env.id("Ann Treasurer"), "treasurer", env.id("Ben Treasurer"),
		"membership-officer", env.id("Dan Membership"), "co-secretary-2y", "RON", "co-secretary-1y", "")
	resp, body := send(t, c, "POST", page+"/review", choices)
	wantStatus(t, "review", resp, http.StatusOK, body)
	for _, want := range []string{"<dt>Treasurer</dt>\n<dd><ul><li>Ann Treasurer</li><li>Ben Treasurer</li></ul></dd>",
		"<dt>Membership Officer</dt>\n<dd>Dan Membership</dd>", "<dd>Re-open nominations</dd>",
		`<dt>WISE-RA Co-Secretary (1-year tenure)</dt>` + "\n" + `<dd><span class="blank">Left blank (abstain)</span></dd>`,
		"You left 14 positions blank.", "Cast my vote", "Change my choices"} {
		if !strings.Contains(body, want) {
			t.Errorf("the review page lacks %q:\n%s", want, body)
		}
	}
	hidden := url.Values{"csrf": {csrf}}
	castForm := body[strings.Index(body, `action="/member/`+slug+`/cast"`):]
	castForm = castForm[:strings.Index(castForm, "</form>")]
	for _, m := range hiddenRe.FindAllStringSubmatch(castForm, -1) {
		hidden.Add(m[1], m[2])
	}
	if env.state()[0] != 0 {
		t.Fatal("reviewing stored a ballot")
	}

	// "Change my choices" shows the ballot with the choices ticked.
	change := url.Values{"change_choices": {"yes"}}
	for k, v := range hidden {
		change[k] = v
	}
	resp, body = send(t, c, "POST", page+"/review", change)
	wantStatus(t, "change my choices", resp, http.StatusOK, body)
	for _, want := range []string{`id="treasurer-` + env.id("Ben Treasurer") + `" name="treasurer" value="` + env.id("Ben Treasurer") + `" checked>`,
		`id="co-secretary-2y-RON" name="co-secretary-2y" value="RON" checked>`, `id="co-secretary-1y-blank" name="co-secretary-1y" value="" checked>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the ballot after 'change' lacks %s", want)
		}
	}

	resp, body = send(t, c, "POST", page+"/cast", hidden)
	wantStatus(t, "cast", resp, http.StatusOK, body)
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control of the receipt = %q, want no-store", cc)
	}
	m := receiptRe.FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "/elections/"+slug+"/results") || !strings.Contains(body, "whoever has it can see how this ballot voted") {
		t.Fatalf("the confirmation page has no receipt code or explanation:\n%s", body)
	}
	if got := env.receipts(); len(got) != 1 || got[0] != m[1] {
		t.Errorf("stored receipt codes %v, page shows %s", got, m[1])
	}
	want := []election.Choices{{"treasurer": {env.cand["Ann Treasurer"], env.cand["Ben Treasurer"]},
		"membership-officer": {env.cand["Dan Membership"]}, "co-secretary-2y": {election.RON}}}
	if diff := cmp.Diff(want, env.storedBallots()); diff != "" {
		t.Errorf("stored ballot (-want +got):\n%s", diff)
	}

	// Afterwards the page says so, and a second cast (a reload re-posts) stores nothing.
	resp, body = send(t, c, "GET", page, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "You have already voted") || strings.Contains(body, m[1]) {
		t.Errorf("the page after voting: %d\n%s", resp.StatusCode, body)
	}
	before := env.state()
	for _, u := range []string{"/cast", "/review"} {
		resp, body = send(t, c, "POST", page+u, hidden)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "You have already voted") {
			t.Errorf("POST %s after voting: %d\n%s", u, resp.StatusCode, body)
		}
	}
	// Another device, through the same link.
	c2 := client(t)
	send(t, c2, "GET", env.ts.URL+"/v/"+token(101, 0), nil)
	if resp, _ := send(t, c2, "POST", page+"/cast", hidden); resp.StatusCode != http.StatusConflict {
		t.Errorf("a cast from another device: %d, want 409", resp.StatusCode)
	}
	if after := env.state(); after != before {
		t.Errorf("a second cast changed %v to %v", before, after)
	}
}

func TestBlankBallotIsAVote(t *testing.T) {
	env := newVotingEnv(t)
	c, page, csrf := env.open(102)
	resp, body := send(t, c, "POST", page+"/review", ballot(csrf))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "You left 17 positions blank.") {
		t.Fatalf("review of a blank ballot: %d\n%s", resp.StatusCode, body)
	}
	resp, body = send(t, c, "POST", page+"/cast", ballot(csrf))
	wantStatus(t, "blank cast", resp, http.StatusOK, body)
	if got := env.storedBallots(); len(got) != 1 || len(got[0]) != 0 {
		t.Errorf("stored %v, want one blank ballot", got)
	}
}

func TestVotingRefusesBadFormsAndStoresNothing(t *testing.T) {
	env := newVotingEnv(t)
	c, page, csrf := env.open(101)
	before := env.state()

	// A mail scanner or a curious member fetching everything changes nothing.
	for _, u := range []string{"/v/" + token(101, 0), "/member/" + slug, "/elections/" + slug + "/candidates"} {
		send(t, c, "GET", env.ts.URL+u, nil)
	}
	if r, _ := send(t, c, "GET", page+"/cast", nil); r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /cast = %d, want 405", r.StatusCode)
	}

	ann, ben, cat, dan := env.id("Ann Treasurer"), env.id("Ben Treasurer"), env.id("Cat Membership"), env.id("Dan Membership")
	tampered := map[string]struct {
		form url.Values
		want string
	}{
		"unknown position":           {ballot(csrf, "president", ann), "not on this ballot"},
		"another position's choice":  {ballot(csrf, "treasurer", cat), "not a candidate for Treasurer"},
		"two for one seat":           {ballot(csrf, "membership-officer", cat, "membership-officer", dan), "You chose 2 for Membership Officer"},
		"three for two seats":        {ballot(csrf, "treasurer", ann, "treasurer", ben, "treasurer", "RON"), "Choose at most 2"},
		"the same candidate twice":   {ballot(csrf, "treasurer", ann, "treasurer", ann), "the same option twice"},
		"not a number":               {ballot(csrf, "treasurer", "1 OR 1=1"), "changed or damaged"},
		"a candidate id that is not": {ballot(csrf, "treasurer", "999999"), "not a candidate"},
	}
	for name, tc := range tampered {
		resp, body := send(t, c, "POST", page+"/cast", tc.form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) ||
			!strings.Contains(body, "Nothing was stored: you have not voted yet.") {
			t.Errorf("cast with %s: %d\n%s", name, resp.StatusCode, body)
		}
	}

	// At review, a choice the page allows but the rules do not comes back on the ballot,
	// linked from the error summary, with the choices kept.
	resp, body := send(t, c, "POST", page+"/review", tampered["three for two seats"].form)
	wantStatus(t, "review with three for two seats", resp, http.StatusUnprocessableEntity, body)
	for _, want := range []string{`<a href="#treasurer-` + ann + `">You chose 3 for Treasurer, which elects 2. Choose at most 2.</a>`,
		`id="treasurer-RON" name="treasurer" value="RON" checked aria-invalid="true">`, `<title>Error: Your ballot`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused review lacks %s:\n%s", want, body)
		}
	}
	if resp, _ := send(t, c, "POST", page+"/review", tampered["unknown position"].form); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("review with an unknown position: %d, want 422", resp.StatusCode)
	}

	// Without the form token, or with another member's: 403.
	_, _, bosCSRF := env.open(102)
	for name, f := range map[string]url.Values{"no csrf": {"treasurer": {ann}}, "forged csrf": ballot("forged", "treasurer", ann),
		"another member's csrf": ballot(bosCSRF, "treasurer", ann)} {
		for _, u := range []string{"/review", "/cast"} {
			if resp, _ := send(t, c, "POST", page+u, f); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s to %s: %d, want 403", name, u, resp.StatusCode)
			}
		}
	}
	// Without the link cookie: 403 too.
	if resp, _ := send(t, client(t), "POST", page+"/cast", ballot(csrf, "treasurer", ann)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cast without the link cookie: %d, want 403", resp.StatusCode)
	}
	if after := env.state(); after != before {
		t.Errorf("refused requests changed %v to %v", before, after)
	}
}

func TestConcurrentCastsWithOneLinkStoreOneBallot(t *testing.T) {
	env := newVotingEnv(t)
	c, page, csrf := env.open(101)
	form := ballot(csrf, "treasurer", env.id("Ann Treasurer"))
	const n = 200
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, err := c.PostForm(page+"/cast", form)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, code := range codes {
		switch code {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
			refused++
		}
	}
	if ok != 1 || refused != n-1 {
		t.Errorf("%d casts succeeded and %d were refused as already voted, want 1 and %d", ok, refused, n-1)
	}
	if st := env.state(); st[0] != 1 || st[1] != 1 {
		t.Errorf("%d ballots and %d voters marked, want 1 and 1", st[0], st[1])
	}
}

func TestVotingPagesOutsideTheWindow(t *testing.T) {
	env := newVotingEnv(t)
	c, page, csrf := env.open(101)
	form := ballot(csrf, "treasurer", env.id("Ann Treasurer"))
	before := env.state()

	env.setClock(time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)) // a minute before it opens
	resp, body := send(t, c, "GET", page, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Voting is not open yet. It opens on") ||
		strings.Contains(body, `name="treasurer"`) {
		t.Errorf("the page before voting opens: %d\n%s", resp.StatusCode, body)
	}
	if resp, body := send(t, c, "POST", page+"/cast", form); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "not open yet") {
		t.Errorf("a cast before voting opens: %d\n%s", resp.StatusCode, body)
	}

	env.setClock(time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)) // after it closed, before the scheduler moved on
	resp, body = send(t, c, "GET", page, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Voting closed on") ||
		!strings.Contains(body, `href="/elections/`+slug+`/results"`) || strings.Contains(body, `name="treasurer"`) {
		t.Errorf("the page after voting closed: %d\n%s", resp.StatusCode, body)
	}
	for _, u := range []string{"/review", "/cast"} {
		if resp, body := send(t, c, "POST", page+u, form); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Voting closed on") {
			t.Errorf("POST %s after voting closed: %d\n%s", u, resp.StatusCode, body)
		}
	}

	// A lapsed member is told why, whatever the window.
	env.setClock(inVoting)
	lc := client(t)
	send(t, lc, "GET", env.ts.URL+"/v/"+token(103, 0), nil)
	if resp, body := send(t, lc, "GET", page, nil); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "not in good standing") ||
		strings.Contains(body, `name="treasurer"`) {
		t.Errorf("a lapsed member's page: %d\n%s", resp.StatusCode, body)
	}
	if after := env.state(); after != before {
		t.Errorf("requests outside the window changed %v to %v", before, after)
	}
}
