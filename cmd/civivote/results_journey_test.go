package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// wiseRANow is the WISE-RA fixture with its windows moved around now: nominations closed
// two hours ago, voting open for another three. Tenure still starts on a fixed day, so
// the dates written back to CiviCRM are known in advance.
func wiseRANow(t *testing.T, now time.Time) string {
	t.Helper()
	src, err := os.ReadFile(electionFixture(t, "wise-ra-2023.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) string { return now.Add(d).In(london).Format("2006-01-02T15:04") }
	text := string(src)
	for old, repl := range map[string]string{
		"opens: 2022-12-27T00:00":   "opens: " + at(-3*time.Hour),
		"closes: 2023-01-31T23:59":  "closes: " + at(-2*time.Hour),
		"opens: 2023-02-01T00:01":   "opens: " + at(-time.Hour),
		"closes: 2023-02-28T23:59":  "closes: " + at(3*time.Hour),
		"tenure_starts: 2023-03-01": "tenure_starts: 2027-03-01",
	} {
		if !strings.Contains(text, old) {
			t.Fatalf("the WISE-RA fixture no longer has %q", old)
		}
		text = strings.Replace(text, old, repl, 1)
	}
	path := t.TempDir() + "/wise-ra-now.yaml"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const wiseRA = "wise-ra-2023"

// resultsJourney is the election of TestCountPublishAndWriteBackJourney: who stands where,
// and how the voters vote.
type resultsJourney struct {
	db     *store.DB
	lc     store.LinkConfig
	voters []int64          // the roll, by contact id
	cand   map[int64]string // contact id -> candidate id, once accepted
}

// nominate puts contact up for position through the member's own path (their link, the
// nominations window) and has the committee accept them.
func (j *resultsJourney) nominate(t *testing.T, contact int64, position string, coOfficer bool, when time.Time) {
	t.Helper()
	ctx := context.Background()
	v, err := j.db.VoterByToken(ctx, election.HashToken(election.DeriveToken(j.lc.Secret, wiseRA, contact, 0)))
	if err != nil {
		t.Fatalf("member %d's link: %v", contact, err)
	}
	c, err := j.db.Nominate(ctx, v, election.Nomination{PositionKey: position, CoOfficership: coOfficer,
		Statement: fmt.Sprintf("Member %d standing for %s.", contact, position)}, when)
	if err != nil {
		t.Fatalf("member %d nominates for %s: %v", contact, position, err)
	}
	if err := j.db.AcceptCandidate(ctx, wiseRA, c.ID, "test:committee", when); err != nil {
		t.Fatal(err)
	}
	j.cand[contact] = strconv.FormatInt(c.ID, 10)
}

var journeyReceipt = regexp.MustCompile(`<code>([2-9A-Z]{5}-[2-9A-Z]{5}-[2-9A-Z]{5})</code>`)

// vote casts contact's ballot over HTTP as a member would: open the personal link, review,
// cast. choices maps a position key to the form values chosen. It returns the receipt code.
func vote(t *testing.T, base string, secret []byte, contact int64, choices url.Values) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, page := fetch(t, c, "GET", base+"/v/"+election.DeriveToken(secret, wiseRA, contact, 0), nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `action="/member/`+wiseRA+`/review"`) {
		t.Fatalf("member %d's ballot: %d at %s\n%s", contact, resp.StatusCode, resp.Request.URL, page)
	}
	form := url.Values{"csrf": {formValue(t, page, "csrf")}}
	for k, v := range choices {
		form[k] = v
	}
	resp, page = fetch(t, c, "POST", base+"/member/"+wiseRA+"/review", form)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("member %d's review: %d\n%s", contact, resp.StatusCode, page)
	}
	castForm := page[strings.Index(page, `action="/member/`+wiseRA+`/cast"`):]
	castForm = castForm[:strings.Index(castForm, "</form>")]
	hidden := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(castForm, -1) {
		hidden.Add(m[1], m[2])
	}
	resp, page = fetch(t, c, "POST", base+"/member/"+wiseRA+"/cast", hidden)
	m := journeyReceipt.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("member %d's cast: %d, no receipt\n%s", contact, resp.StatusCode, page)
	}
	return m[1]
}

// publishedBallots is ballots.json as an observer reads it.
type publishedBallots struct {
	Format   string `json:"format"`
	Election string `json:"election"`
	Ballots  []struct {
		Receipt string              `json:"receipt"`
		Choices map[string][]string `json:"choices"`
	} `json:"ballots"`
}

// publishedResults is the part of results.json an observer checks a recount against.
type publishedResults struct {
	Format        string              `json:"format"`
	BallotsCast   int                 `json:"ballots_cast"`
	Eligible      int                 `json:"eligible"`
	BallotsSHA256 string              `json:"ballots_sha256"`
	Positions     []publishedPosition `json:"positions"`
}

// TestCountPublishAndWriteBackJourney follows issue 7 end to end on the WISE-RA fixture,
// with the real daemon, the fake CiviCRM and MariaDB: members cast ballots, voting closes,
// the count shows a tie, the committee resolves it by lot, publishes, an observer recounts
// from ballots.json on their own and finds the same result, and the write-back, run twice,
// leaves exactly one relationship per officer in CiviCRM with the tenure's dates.
func TestCountPublishAndWriteBackJourney(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	dsn := storetest.NewDatabase(t)
	ctx := context.Background()
	now := time.Now()
	const orgContact = "4" // "Test Union" on the recorded site (transcript 31)
	cli := map[string]string{
		"CIVIVOTE_MYSQL_DSN": dsn, "CIVIVOTE_CIVICRM_URL": fake.URL(), "CIVIVOTE_CIVICRM_API_KEY": civicrmtest.AdminKey,
		"CIVIVOTE_PUBLIC_URL": "https://vote.example.org", "CIVIVOTE_TOKEN_SECRET": testTokenSecret,
		"CIVIVOTE_CIVICRM_ORG_CONTACT_ID": orgContact, "CIVIVOTE_LOG_LEVEL": "warn",
	}
	mustRun(t, cli, "election", "apply", "-f", wiseRANow(t, now))
	mustRun(t, cli, "sync")

	// Nominations, in their window: the members stand through their own links and the
	// committee accepts them.
	j := &resultsJourney{db: storetest.OpenDSN(t, dsn), cand: map[int64]string{},
		lc: store.LinkConfig{Secret: []byte(testTokenSecret), Field: linkField}}
	during := now.Add(-150 * time.Minute)
	if _, err := j.db.AdvanceElection(ctx, wiseRA, "test: nominations", j.lc, "test:committee", during); err != nil {
		t.Fatal(err)
	}
	rows, err := j.db.SQL().QueryContext(ctx, `SELECT v.contact_id FROM voters v JOIN elections e ON e.id = v.election_id
		WHERE e.slug = ? ORDER BY v.contact_id`, wiseRA)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		j.voters = append(j.voters, id)
	}
	rows.Close()
	if len(j.voters) < 26 {
		t.Fatalf("the roll has %d members, the journey needs 26", len(j.voters))
	}
	v := j.voters
	ann, ben, cat, dan, eve, fay := v[0], v[1], v[2], v[3], v[4], v[5]
	j.nominate(t, ann, "treasurer", true, during)
	j.nominate(t, ben, "treasurer", true, during) // both agree: two seats
	j.nominate(t, cat, "co-secretary-2y", false, during)
	j.nominate(t, dan, "co-secretary-2y", false, during) // no co-officership there: one seat
	j.nominate(t, eve, "membership-officer", false, during)
	j.nominate(t, fay, "data-protection-officer", false, during)

	// The daemon catches up with the clock: nominations close, voting opens.
	_, logs, base := startServe(t, []string{
		"CIVIVOTE_MYSQL_DSN=" + dsn, "CIVIVOTE_CIVICRM_URL=" + fake.URL(),
		"CIVIVOTE_CIVICRM_API_KEY=" + civicrmtest.AdminKey, "CIVIVOTE_PUBLIC_URL=https://vote.example.org",
		"CIVIVOTE_TOKEN_SECRET=" + testTokenSecret, "CIVIVOTE_LISTEN_ADDR=127.0.0.1:0",
		"CIVIVOTE_ADMIN_TOKEN=" + adminToken, "CIVIVOTE_OBSERVER_TOKEN=" + observerToken,
		"CIVIVOTE_CIVICRM_ORG_CONTACT_ID=" + orgContact,
		"CIVIVOTE_SYNC_SCHEDULE=0 3 1 1 *", "CIVIVOTE_LIFECYCLE_SCHEDULE=@every 1s", "CIVIVOTE_OUTBOX_SCHEDULE=@every 1s",
	})
	waitUntil(t, "voting to open", func() (bool, bool) {
		e, err := j.db.GetElection(ctx, wiseRA)
		return true, err == nil && e.State == election.VotingOpen
	})

	// 20 members vote. Cat and Dan tie 8-8 for the one-seat Co-Secretary; Re-open
	// nominations beats Fay.
	c := j.cand
	receipts := map[string]url.Values{}
	for i, voter := range v[6:26] {
		ch := url.Values{}
		switch {
		case i < 8:
			ch.Set("co-secretary-2y", c[cat])
		case i < 16:
			ch.Set("co-secretary-2y", c[dan])
		}
		switch {
		case i < 12:
			ch["treasurer"] = []string{c[ann], c[ben]}
		case i < 18:
			ch.Set("treasurer", c[ann])
		}
		if i < 15 {
			ch.Set("membership-officer", c[eve])
		} else {
			ch.Set("membership-officer", election.RONFormValue)
		}
		switch {
		case i < 4:
			ch.Set("data-protection-officer", c[fay])
		case i < 14:
			ch.Set("data-protection-officer", election.RONFormValue)
		}
		receipts[vote(t, base, []byte(testTokenSecret), voter, ch)] = ch
	}

	// Voting closes early by the committee's decision; the count shows the tie.
	mustRun(t, cli, "election", "advance", wiseRA, "--reason", "test: everyone on the roll who meant to vote has voted")
	tally := mustRun(t, cli, "tally", wiseRA)
	for _, want := range []string{"TIE: ", "on 8 votes for 1 seat", "--resolve-tie co-secretary-2y", "1 tie to resolve"} {
		if !strings.Contains(tally, want) {
			t.Errorf("tally lacks %q:\n%s", want, tally)
		}
	}
	if _, _, err := runForTest(t, cli, "publish", wiseRA); err == nil || !strings.Contains(err.Error(), "tie") {
		t.Fatalf("publish with a tie open: %v, want a refusal naming the tie", err)
	}
	if code, _ := httpGet(t, base+"/elections/"+wiseRA+"/results.json"); code != http.StatusNotFound {
		t.Errorf("results.json before publication: %d, want 404", code)
	}
	mustRun(t, cli, "tally", wiseRA, "--resolve-tie", "co-secretary-2y", "--winner", c[dan],
		"--reason", "lot drawn by the committee chair from a hat, witnessed by both candidates")
	if out := mustRun(t, cli, "publish", wiseRA); !strings.Contains(out, "ballots.json") || !strings.Contains(out, "(20 ballots)") {
		t.Errorf("publish says:\n%s", out)
	}

	// An observer recounts from ballots.json alone and finds the published result.
	code, ballotsText := httpGet(t, base+"/elections/"+wiseRA+"/ballots.json")
	if code != http.StatusOK {
		t.Fatalf("ballots.json: %d", code)
	}
	code, resultsText := httpGet(t, base+"/elections/"+wiseRA+"/results.json")
	if code != http.StatusOK {
		t.Fatalf("results.json: %d", code)
	}
	var ballots publishedBallots
	var results publishedResults
	if err := json.Unmarshal([]byte(ballotsText), &ballots); err != nil {
		t.Fatalf("ballots.json is not JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(resultsText), &results); err != nil {
		t.Fatalf("results.json is not JSON: %v", err)
	}
	sum := sha256.Sum256([]byte(ballotsText))
	if results.BallotsSHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("results.json gives ballots_sha256 %s, the file served hashes to %x", results.BallotsSHA256, sum)
	}
	if len(ballots.Ballots) != 20 || results.BallotsCast != 20 || results.Eligible != len(v) {
		t.Errorf("%d ballots published, results say %d cast of %d; want 20 of %d",
			len(ballots.Ballots), results.BallotsCast, results.Eligible, len(v))
	}
	recount := map[string]map[string]int{}
	for _, b := range ballots.Ballots {
		want, ok := receipts[b.Receipt]
		if !ok {
			t.Errorf("ballots.json holds receipt %s that no voter was given", b.Receipt)
			continue
		}
		delete(receipts, b.Receipt)
		for pos, ids := range b.Choices {
			if got, exp := slices.Sorted(slices.Values(ids)), slices.Sorted(slices.Values(want[pos])); !slices.Equal(got, exp) {
				t.Errorf("ballot %s: %s = %v, the voter chose %v", b.Receipt, pos, got, exp)
			}
			if recount[pos] == nil {
				recount[pos] = map[string]int{}
			}
			for _, id := range ids {
				recount[pos][id]++
			}
		}
	}
	if len(receipts) > 0 {
		t.Errorf("%d voters' receipts are missing from ballots.json", len(receipts))
	}
	elected := map[string][]string{}
	for _, p := range results.Positions {
		for _, cand := range p.Candidates {
			if recount[p.Key][cand.ID] != cand.Votes {
				t.Errorf("%s: candidate %s has %d votes published, %d recounted", p.Key, cand.ID, cand.Votes, recount[p.Key][cand.ID])
			}
		}
		if recount[p.Key]["RON"] != p.RONVotes {
			t.Errorf("%s: RON has %d votes published, %d recounted", p.Key, p.RONVotes, recount[p.Key]["RON"])
		}
		elected[p.Key] = slices.Sorted(slices.Values(p.Elected))
	}
	want := map[string][]string{"treasurer": sortedIDs(c[ann], c[ben]), "co-secretary-2y": {c[dan]},
		"membership-officer": {c[eve]}}
	for pos, ids := range want {
		if !slices.Equal(elected[pos], ids) {
			t.Errorf("%s elected %v, want %v", pos, elected[pos], ids)
		}
	}
	if p := results.positionByKey("data-protection-officer"); p == nil || !p.RONElected || len(p.Elected) != 0 {
		t.Errorf("data-protection-officer: %+v, want Re-open nominations to take the seat", p)
	}

	// Write-back, twice: one relationship per officer, with the tenure's dates.
	mustRun(t, cli, "writeback", wiseRA)
	mustRun(t, cli, "writeback", wiseRA)
	officers := map[int64]struct{ start, end, title string }{
		ann: {"2027-03-01", "2029-02-28", "Treasurer"}, ben: {"2027-03-01", "2029-02-28", "Treasurer"},
		dan: {"2027-03-01", "2029-02-28", "WISE-RA Co-Secretary (2-year tenure)"},
		eve: {"2027-03-01", "2029-02-28", "Membership Officer"},
	}
	waitUntil(t, "the officers in CiviCRM", func() (bool, bool) {
		n := 0
		for _, r := range fake.Relationships() {
			if _, ok := officers[r.ContactIDA]; ok {
				n++
			}
		}
		return true, n >= len(officers)
	})
	logs.waitUntil(t, "outbox drained", drainedEmpty)
	seen := map[int64]int{}
	for _, r := range fake.Relationships() {
		o, ok := officers[r.ContactIDA]
		if !ok {
			continue
		}
		seen[r.ContactIDA]++
		if r.StartDate != o.start || r.EndDate != o.end || !strings.Contains(r.Description, o.title) || fmt.Sprint(r.ContactIDB) != orgContact {
			t.Errorf("officer %d: %+v, want %s to %s as %s of %s", r.ContactIDA, r, o.start, o.end, o.title, orgContact)
		}
	}
	for id := range officers {
		if seen[id] != 1 {
			t.Errorf("officer %d has %d relationships in CiviCRM, want exactly 1", id, seen[id])
		}
	}
	if out := mustRun(t, cli, "writeback", wiseRA, "--verify"); !strings.Contains(out, "All 4 officers are in CiviCRM with the right dates.") {
		t.Errorf("writeback --verify:\n%s", out)
	}
}

func sortedIDs(ids ...string) []string {
	sort.Strings(ids)
	return ids
}

// publishedPosition is one position of results.json.
type publishedPosition struct {
	Key        string `json:"key"`
	Seats      int    `json:"seats"`
	Candidates []struct {
		ID      string `json:"id"`
		Votes   int    `json:"votes"`
		Elected bool   `json:"elected"`
	} `json:"candidates"`
	RONVotes    int      `json:"ron_votes"`
	Abstentions int      `json:"abstentions"`
	Elected     []string `json:"elected"`
	RONElected  bool     `json:"ron_elected"`
	TenureStart string   `json:"tenure_starts"`
	TenureEnd   string   `json:"tenure_ends"`
}

func (r *publishedResults) positionByKey(key string) *publishedPosition {
	for i := range r.Positions {
		if r.Positions[i].Key == key {
			return &r.Positions[i]
		}
	}
	return nil
}
