package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store/storetest"
)

// journeyElection is a small election whose nominations are open now (by the real clock
// the process uses), in a zone far from UTC so a wrong conversion would show.
func journeyElection(now time.Time) string {
	loc, _ := time.LoadLocation("America/Vancouver")
	at := func(d time.Duration) string { return now.Add(d).In(loc).Format("2006-01-02T15:04") }
	return fmt.Sprintf(`slug: journey
title: Journey Branch Officer Elections
timezone: America/Vancouver
nominations: {opens: %s, closes: %s}
voting: {opens: %s, closes: %s}
tenure_starts: %s
statement_max_words: 300
one_position_per_member: true
positions:
  - key: secretary
    title: Secretary
    description: Keeps the minutes.
    seats: 1
    tenure_months: 12
    co_officership: true
    declarations: ["I have been a member for at least six months."]
  - key: treasurer
    title: Treasurer
    seats: 1
    tenure_months: 24
`, at(-2*time.Hour), at(48*time.Hour), at(49*time.Hour), at(72*time.Hour), now.Add(100*time.Hour).In(loc).Format("2006-01-02"))
}

// TestNominationJourneyThroughCiviCRM runs the real daemon against the fake CiviCRM and
// a real database, and follows issue 5 end to end: the committee applies an election, the
// roster syncs, the scheduler opens nominations and issues links, the outbox writes each
// link to the contact's custom field and the election's group, a member opens the link
// found in CiviCRM and nominates themselves, and the committee accepts them onto the
// public candidates page.
func TestNominationJourneyThroughCiviCRM(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	dsn := storetest.NewDatabase(t)
	const publicURL = "https://vote.example.org"
	_, logs, base := startServe(t, []string{
		"CIVIVOTE_MYSQL_DSN=" + dsn,
		"CIVIVOTE_CIVICRM_URL=" + fake.URL(),
		"CIVIVOTE_CIVICRM_API_KEY=" + civicrmtest.AdminKey,
		"CIVIVOTE_PUBLIC_URL=" + publicURL,
		"CIVIVOTE_TOKEN_SECRET=" + testTokenSecret,
		"CIVIVOTE_LISTEN_ADDR=127.0.0.1:0",
		"CIVIVOTE_ADMIN_TOKEN=" + adminToken,
		"CIVIVOTE_SYNC_SCHEDULE=0 3 1 1 *", // only on demand in this test
		"CIVIVOTE_LIFECYCLE_SCHEDULE=@every 1s",
		"CIVIVOTE_OUTBOX_SCHEDULE=@every 1s",
	})

	code, body := apiCallRaw(t, "PUT", base+"/api/admin/elections/journey", adminToken, journeyElection(time.Now()))
	if code != http.StatusCreated {
		t.Fatalf("apply: %d %s", code, body)
	}
	if code, body := apiCall(t, "POST", base+"/api/admin/sync", adminToken, `{"dry_run":false}`); code != http.StatusOK {
		t.Fatalf("sync: %d %v", code, body)
	}

	// The lifecycle job opens nominations and issues a link per member; the outbox drain
	// writes them to CiviCRM.
	const member = 5
	link := waitUntil(t, "the member's link in CiviCRM", func() (string, bool) {
		return fake.CustomValue(member, "Union_Sync.voting_link")
	})
	if !strings.HasPrefix(link, publicURL+"/v/") {
		t.Fatalf("link written to CiviCRM = %q, want it under %s/v/", link, publicURL)
	}
	group := waitUntil(t, "the election's group in CiviCRM", func() (civicrmtest.Group, bool) {
		g, ok := fake.GroupByName(outbox.ElectionGroup("journey", "").Name)
		return g, ok && fake.GroupMembers(g.ID)[member] == "Added"
	})
	if !strings.Contains(group.Title, "Journey Branch") {
		t.Errorf("election group title = %q, want the election's title in it", group.Title)
	}
	if strings.Contains(logs.text(), strings.TrimPrefix(link, publicURL+"/v/")) {
		t.Errorf("a member's link token appears in the logs")
	}

	// The member follows the link: the token moves into a cookie and leaves the URL.
	jar, _ := cookiejar.New(nil)
	member5 := &http.Client{Jar: jar}
	resp, page := fetch(t, member5, "GET", base+strings.TrimPrefix(link, publicURL), nil)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/member/journey" {
		t.Fatalf("following the link: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if !strings.Contains(page, "Nominate yourself") || !strings.Contains(page, "Keeps the minutes.") {
		t.Fatalf("member page lacks the nomination form or the position's description:\n%s", page)
	}
	csrf := formValue(t, page, "csrf")

	long := strings.Repeat("word ", 301)
	resp, page = fetch(t, member5, "POST", base+"/member/journey/nomination", url.Values{
		"csrf": {csrf}, "position": {"treasurer"}, "statement": {long}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#statement"`) {
		t.Errorf("a 301-word statement: %d, want 422 with the error linked to the statement", resp.StatusCode)
	}
	resp, page = fetch(t, member5, "POST", base+"/member/journey/nomination", url.Values{
		"csrf": {csrf}, "position": {"treasurer"}, "statement": {"I will keep the books <b>open</b>.\n\nAsk me anything."}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Your nomination is saved") || !strings.Contains(page, "Waiting for the election committee") {
		t.Fatalf("nominating: %d, want the page showing the pending nomination:\n%s", resp.StatusCode, page)
	}
	resp, _ = fetch(t, member5, "POST", base+"/member/journey/nomination", url.Values{
		"csrf": {csrf}, "position": {"secretary"}, "statement": {"Me too."}, "decl-secretary-0": {"yes"}})
	if resp.StatusCode == http.StatusOK {
		t.Errorf("a second position was accepted (status %d); one position per member", resp.StatusCode)
	}

	// The committee accepts the nomination; it appears, escaped, on the public page.
	code, cands := apiCall(t, "GET", base+"/api/admin/elections/journey/candidates", adminToken, "")
	list, _ := cands["candidates"].([]any)
	if code != http.StatusOK || len(list) != 1 {
		t.Fatalf("candidates: %d %v", code, cands)
	}
	id := fmt.Sprint(list[0].(map[string]any)["id"])
	if code, body := apiCall(t, "POST", base+"/api/admin/elections/journey/candidates/"+id+"/accept", adminToken, ""); code != http.StatusOK {
		t.Fatalf("accept: %d %v", code, body)
	}
	resp, page = fetch(t, http.DefaultClient, "GET", base+"/elections/journey/candidates", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "&lt;b&gt;open&lt;/b&gt;") || strings.Contains(page, "<b>open</b>") {
		t.Errorf("public candidates page: %d, want the statement escaped:\n%s", resp.StatusCode, page)
	}
}

// waitUntil polls cond until it holds; the daemon's jobs run on their own schedule, so
// the test watches for their effect rather than sleeping a guessed time.
func waitUntil[T any](t *testing.T, what string, cond func() (T, bool)) T {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		if v, ok := cond(); ok {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func apiCallRaw(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) (*http.Response, string) {
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

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

func formValue(t *testing.T, page, name string) string {
	t.Helper()
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		if m[1] == name {
			return m[2]
		}
	}
	t.Fatalf("no hidden field %q in the page", name)
	return ""
}
