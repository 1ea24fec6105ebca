package web

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/civivote/civivote/election"
)

// hostileName is a member's name as CiviCRM could hold it: markup, SQL, a right-to-left
// override (U+202E) that would reverse the text after it, a control character and a
// 300-letter word.
var hostileName = "<script>alert(1)</script> Robert'); DROP TABLE members;-- \u202eevil\a " + strings.Repeat("W", 300)

// hostileStatement is a statement with the same tricks (control characters aside, which
// statements refuse).
var hostileStatement = "<img src=x onerror=alert(1)> & <b>bold</b>\n\n" +
	"'; DELETE FROM ballots; -- \u202eesrever\u202c " + strings.Repeat("x", 300)

func TestHostileNamesAndStatementsAreStoredVerbatimAndShownEscaped(t *testing.T) {
	env, _ := newPagesEnv(t, "")
	token := env.store.addVoter(102, hostileName, true)
	c := newClient(t)
	page := openLink(t, env, c, token)

	// A statement with a control character is refused, and nothing is stored.
	resp, body := do(t, c, "POST", page+"/nomination", url.Values{"csrf": {pageCSRF(t, c, page)},
		"position": {"treasurer"}, "statement": {"Vote for me\x1b[31m now"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "invisible control character") || env.store.writes != 0 {
		t.Fatalf("statement with ESC = %d, writes %d:\n%s", resp.StatusCode, env.store.writes, body)
	}
	resp, _ = do(t, c, "POST", page+"/nomination", url.Values{"csrf": {pageCSRF(t, c, page)},
		"position": {"treasurer"}, "statement": {hostileStatement}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("nominate = %d", resp.StatusCode)
	}
	env.store.accept()
	if got := env.store.cands[0]; got.Statement != hostileStatement || got.Name != hostileName {
		t.Errorf("not stored verbatim: name %q statement %q", got.Name, got.Statement)
	}

	_, body = do(t, c, "GET", page, nil)
	if !strings.Contains(body, "as <strong><bdi>"+html.EscapeString(hostileName)+"</bdi></strong>") {
		t.Errorf("member page does not show the name escaped inside <bdi>:\n%s", body)
	}
	_, body = do(t, newClient(t), "GET", env.ts.URL+"/elections/wise-ra-2023/candidates", nil)
	for _, bad := range []string{"<script>", "<img", "<b>"} {
		if strings.Contains(body, bad) {
			t.Errorf("candidates page holds %q unescaped", bad)
		}
	}
	for _, want := range []string{
		`<h3 id="candidate-1">` + html.EscapeString(hostileName) + `</h3>`,
		"<p>" + html.EscapeString("<img src=x onerror=alert(1)> & <b>bold</b>") + "</p>",
		html.EscapeString("'; DELETE FROM ballots; -- \u202eesrever\u202c " + strings.Repeat("x", 300)),
	} {
		if !strings.Contains(body, want) {
			t.Errorf("candidates page lacks %q", want)
		}
	}
}

func TestBallotIsolatesAndEscapesCandidateNames(t *testing.T) {
	s := New(Options{})
	v := &ballotView{Title: "Ballot", Heading: "Ballot", Name: hostileName, Slug: "wise-ra-2023", CSRF: "x",
		Contests: []contestView{{Key: "treasurer", Title: "Treasurer", Seats: 1, Options: []optionView{
			{ID: "treasurer-1", Value: "1", Label: hostileName, Statement: election.Paragraphs(hostileStatement), CoOfficer: true},
		}, Blank: optionView{ID: "treasurer-blank", Label: "Leave blank"}}}}
	rec := httptest.NewRecorder()
	if err := s.views.render(rec, http.StatusOK, "ballot", v); err != nil {
		t.Fatal(err)
	}
	body := rec.Body.String()
	name := html.EscapeString(hostileName)
	for _, want := range []string{
		"as <strong><bdi>" + name + "</bdi></strong>",
		`<label for="treasurer-1"><bdi>` + name + `</bdi> <span class="label-note">(agrees to a co-officership)</span></label>`,
		`<span class="visually-hidden"> by <bdi>` + name + `</bdi></span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("ballot lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "<img") {
		t.Error("markup from a name or statement reached the ballot unescaped")
	}
}

// TestStylesheetIsolatesMembersText checks the rules that keep members' text from
// breaking the layout: wrapping anywhere and bidi isolation.
func TestStylesheetIsolatesMembersText(t *testing.T) {
	css := string(siteCSS)
	if !strings.Contains(css, ".statement, .candidate h3, bdi { overflow-wrap: anywhere; unicode-bidi: isolate; }") {
		t.Error("site.css lost the rule isolating and wrapping names and statements")
	}
	for _, sel := range []string{"p, li, dd, label, legend { overflow-wrap: anywhere; }", "h1, h2, h3 { line-height: 1.25; overflow-wrap: anywhere; }"} {
		if !strings.Contains(css, sel) {
			t.Errorf("site.css lost %q", sel)
		}
	}
}
