package web_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
)

var _ web.PublishedResults = (*store.DB)(nil)

// afterClose is after the fixture's voting window; publishedAt is when the tests publish.
var (
	afterClose  = time.Date(2023, 3, 1, 9, 0, 0, 0, time.UTC)
	publishedAt = time.Date(2023, 3, 1, 10, 30, 0, 0, time.UTC)
)

var resultsKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, ed25519.SeedSize))

// resultsEnv is votingEnv with seven ballots cast: Treasurer (two seats) elects Ann (4)
// and Ben (3) over Re-open nominations (2); Membership Officer ties Cat and Dan on 3,
// which the committee resolves by lot for Cat; Co-Secretary elects Eve (4) over RON (1).
type resultsEnv struct {
	*votingEnv
	srv      *httptest.Server
	receipts map[string]election.Choices
}

func newResultsEnv(t *testing.T) *resultsEnv {
	t.Helper()
	env := &resultsEnv{votingEnv: newVotingEnv(t), receipts: map[string]election.Choices{}}
	ann, ben := env.cand["Ann Treasurer"], env.cand["Ben Treasurer"]
	cat, dan, eve := env.cand["Cat Membership"], env.cand["Dan Membership"], env.cand["Eve Secretary"]
	ron := election.RON
	for contact, c := range map[int64]election.Choices{
		101: {"treasurer": {ann, ben}, "membership-officer": {cat}, "co-secretary-2y": {eve}},
		102: {"treasurer": {ann}, "membership-officer": {dan}, "co-secretary-2y": {ron}},
		201: {"treasurer": {ann, ron}, "membership-officer": {cat}, "co-secretary-2y": {eve}},
		202: {"treasurer": {ben}, "membership-officer": {dan}, "co-secretary-2y": {eve}},
		203: {},
		204: {"treasurer": {ann, ben}, "membership-officer": {cat}},
		205: {"treasurer": {ron}, "membership-officer": {dan}, "co-secretary-2y": {eve}},
	} {
		v, err := env.db.VoterByToken(env.ctx, election.HashToken(token(contact, 0)))
		if err != nil {
			t.Fatal(err)
		}
		b, err := env.paper.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		receipt, err := env.db.CastBallot(env.ctx, v, b, inVoting)
		if err != nil {
			t.Fatal(err)
		}
		env.receipts[receipt] = c
	}
	s := web.New(web.Options{Registry: prometheus.NewRegistry(), Results: env.db, PublicCandidates: env.db,
		TokenSecret: links.Secret, Contact: "the election committee at elections@example.org",
		Now: func() time.Time { return *env.clock.Load() }})
	env.srv = httptest.NewServer(s.Handler())
	t.Cleanup(env.srv.Close)
	return env
}

// publish closes voting, resolves the tie for Cat and publishes, signed with key.
func (env *resultsEnv) publish(key ed25519.PrivateKey) *election.Publication {
	env.t.Helper()
	if _, err := env.db.AdvanceDue(env.ctx, links, afterClose); err != nil {
		env.t.Fatal(err)
	}
	env.setClock(publishedAt)
	if _, err := env.db.ResolveTie(env.ctx, slug, "membership-officer", env.cand["Cat Membership"],
		"Drawn from a hat by the returning officer before two scrutineers on 1 March 2023", "test", afterClose); err != nil {
		env.t.Fatal(err)
	}
	p, err := env.db.Publish(env.ctx, slug, key, "test", publishedAt)
	if err != nil {
		env.t.Fatal(err)
	}
	return p
}

// get fetches a path and returns the response with its body read.
func (env *resultsEnv) get(path string, header ...string) (*http.Response, []byte) {
	env.t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.srv.URL+path, nil)
	if err != nil {
		env.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return env.do(req)
}

func (env *resultsEnv) do(req *http.Request) (*http.Response, []byte) {
	env.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		env.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		env.t.Fatal(err)
	}
	return resp, body
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// checkReceipt posts a code to the receipt form, with the form's token unless csrf says
// otherwise.
func (env *resultsEnv) checkReceipt(code string, csrf ...string) (*http.Response, string) {
	env.t.Helper()
	token := ""
	if len(csrf) > 0 {
		token = csrf[0]
	} else {
		resp, body := env.get("/elections/" + slug + "/receipt")
		wantStatus(env.t, "receipt form", resp, http.StatusOK, string(body))
		m := csrfRe.FindSubmatch(body)
		if m == nil {
			env.t.Fatalf("the receipt form has no csrf field:\n%s", body)
		}
		token = string(m[1])
	}
	req, err := http.NewRequest(http.MethodPost, env.srv.URL+"/elections/"+slug+"/receipt",
		strings.NewReader(url.Values{"csrf": {token}, "receipt": {code}}.Encode()))
	if err != nil {
		env.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := env.do(req)
	return resp, string(body)
}

func TestResultsAreHiddenBeforePublication(t *testing.T) {
	env := newResultsEnv(t)
	base := "/elections/" + slug
	resp, body := env.get(base + "/results")
	wantStatus(t, "results page", resp, http.StatusNotFound, string(body))
	for _, want := range []string{"The results are not published yet", "Voting closes on Tuesday 28 February 2023, 23:59 GMT"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the page before publication lacks %q:\n%s", want, body)
		}
	}
	for _, file := range []string{"/results.json", "/results.csv", "/results.json.sig", "/ballots.json"} {
		resp, body := env.get(base + file)
		var e struct{ Error string }
		if resp.StatusCode != http.StatusNotFound || json.Unmarshal(body, &e) != nil || !strings.Contains(e.Error, "not published") {
			t.Errorf("%s before publication: %d %s", file, resp.StatusCode, body)
		}
	}
	resp, body = env.get(base + "/receipt")
	wantStatus(t, "receipt form", resp, http.StatusNotFound, string(body))
	for code := range env.receipts {
		resp, body := env.checkReceipt(code, "anything")
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Counted") {
			t.Errorf("a receipt was checked before publication: %d\n%s", resp.StatusCode, body)
		}
		break
	}

	env.setClock(afterClose)
	if _, err := env.db.AdvanceDue(env.ctx, links, afterClose); err != nil {
		t.Fatal(err)
	}
	resp, body = env.get(base + "/results")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "Voting closed on Tuesday 28 February 2023, 23:59 GMT") {
		t.Errorf("after the close, before publication: %d\n%s", resp.StatusCode, body)
	}
	resp, body = env.get("/elections/no-such-election/results")
	if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "Voting clos") {
		t.Errorf("unknown election: %d\n%s", resp.StatusCode, body)
	}
}

func TestPublishedFilesAreTheFrozenBytesAndRecount(t *testing.T) {
	env := newResultsEnv(t)
	p := env.publish(resultsKey)
	base := "/elections/" + slug

	resp, js := env.get(base + "/results.json")
	wantStatus(t, "results.json", resp, http.StatusOK, string(js))
	if !bytes.Equal(js, p.ResultsJSON) || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("results.json is not the published bytes (%s)", resp.Header.Get("Content-Type"))
	}
	sum := sha256.Sum256(js)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	if resp.Header.Get("ETag") != etag {
		t.Errorf("ETag %s, want %s", resp.Header.Get("ETag"), etag)
	}
	if resp, _ := env.get(base+"/results.json", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidating results.json: %d, want 304", resp.StatusCode)
	}

	// The signature verifies with the public key on the page.
	resp, sig := env.get(base + "/results.json.sig")
	wantStatus(t, "results.json.sig", resp, http.StatusOK, string(sig))
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sig)))
	if err != nil || !ed25519.Verify(resultsKey.Public().(ed25519.PublicKey), js, raw) {
		t.Errorf("results.json.sig does not verify results.json (%v)", err)
	}

	// ballots.json hashes to the digest results.json names, and recounts to its votes.
	doc, err := election.ParseResults(js)
	if err != nil {
		t.Fatal(err)
	}
	resp, ballots := env.get(base + "/ballots.json")
	wantStatus(t, "ballots.json", resp, http.StatusOK, "")
	bsum := sha256.Sum256(ballots)
	if hex.EncodeToString(bsum[:]) != doc.BallotsSHA256 || resp.Header.Get("ETag") != `"`+doc.BallotsSHA256+`"` {
		t.Errorf("ballots.json hashes to %x, results.json says %s (ETag %s)", bsum, doc.BallotsSHA256, resp.Header.Get("ETag"))
	}
	if resp, body := env.get(base+"/ballots.json", "If-None-Match", `"`+doc.BallotsSHA256+`"`); resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("revalidating ballots.json: %d with %d bytes", resp.StatusCode, len(body))
	}
	var file struct {
		Ballots []struct {
			Receipt string
			Choices map[string][]string
		}
	}
	if err := json.Unmarshal(ballots, &file); err != nil {
		t.Fatal(err)
	}
	recount := map[string]map[string]int{}
	for _, b := range file.Ballots {
		if _, ok := env.receipts[b.Receipt]; !ok {
			t.Errorf("ballots.json lists receipt %s, which was not given out", b.Receipt)
		}
		for key, ids := range b.Choices {
			for _, id := range ids {
				if recount[key] == nil {
					recount[key] = map[string]int{}
				}
				recount[key][id]++
			}
		}
	}
	published := map[string]map[string]int{}
	for _, pd := range doc.Positions {
		for _, c := range pd.Candidates {
			if c.Votes > 0 {
				if published[pd.Key] == nil {
					published[pd.Key] = map[string]int{}
				}
				published[pd.Key][c.ID] = c.Votes
			}
		}
		if pd.RONVotes > 0 {
			published[pd.Key]["RON"] = pd.RONVotes
		}
	}
	if len(file.Ballots) != len(env.receipts) || !cmp.Equal(recount, published) {
		t.Errorf("recount of ballots.json (%d ballots) differs from results.json:\n%s", len(file.Ballots), cmp.Diff(published, recount))
	}

	// results.csv is a download of the same votes.
	resp, body := env.get(base + "/results.csv")
	wantStatus(t, "results.csv", resp, http.StatusOK, string(body))
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" ||
		cd != `attachment; filename="`+slug+`-results.csv"` {
		t.Errorf("results.csv headers: %s / %s", ct, cd)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ann := formID(env.cand["Ann Treasurer"])
	if !slicesContain(rows, []string{"treasurer", "Treasurer", "2", ann, "Ann Treasurer", "4", "yes"}) {
		t.Errorf("results.csv lacks Ann's row:\n%s", body)
	}
}

func slicesContain(rows [][]string, want []string) bool {
	for _, r := range rows {
		if cmp.Equal(r, want) {
			return true
		}
	}
	return false
}

func TestResultsPageShowsOfficersTiesAndChecks(t *testing.T) {
	env := newResultsEnv(t)
	p := env.publish(resultsKey)
	resp, body := env.get("/elections/" + slug + "/results")
	wantStatus(t, "results page", resp, http.StatusOK, string(body))
	page := string(body)
	for _, want := range []string{
		"Published Wednesday 1 March 2023, 10:30 GMT",
		"<strong>Ann Treasurer</strong>, <strong>Ben Treasurer</strong>, in office from Wednesday 1 March 2023 to ",
		"<strong>Cat Membership</strong>, in office",
		"7 of ",
		"Tie resolved by lot:</strong> Cat Membership won the draw among Cat Membership, Dan Membership.",
		"Drawn from a hat by the returning officer before two scrutineers on 1 March 2023",
		hex.EncodeToString(p.ResultsSHA256[:]),
		hex.EncodeToString(p.BallotsSHA256[:]),
		// html/template writes + as &#43;
		strings.ReplaceAll(base64.StdEncoding.EncodeToString(p.ResultsSignature), "+", "&#43;"),
		strings.ReplaceAll(base64.StdEncoding.EncodeToString(p.SigningPublicKey), "+", "&#43;"),
		`<svg width="100%" height="172" role="img" aria-labelledby="chart-treasurer"`,
		`width="80.0%"`, // Ann, most votes
		`width="60.0%"`, // Ben
		`<caption>Votes for Treasurer</caption>`,
		`<th scope="row">Re-open nominations</th><td class="num">2</td><td class="num">28.6%</td>`,
		`<th scope="row">Left blank</th><td class="num">1</td>`,
		`href="/elections/` + slug + `/ballots.json"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the results page lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(page)
	}
}

func TestReceiptCheck(t *testing.T) {
	env := newResultsEnv(t)
	env.publish(nil)
	for code, choices := range env.receipts {
		resp, body := env.checkReceipt(strings.ToLower(strings.ReplaceAll(code, "-", " ")))
		wantStatus(t, "receipt "+code, resp, http.StatusOK, body)
		if !strings.Contains(body, "<strong>Counted.</strong>") || !strings.Contains(body, "<code>"+code+"</code>") {
			t.Errorf("receipt %s not reported counted:\n%s", code, body)
		}
		for _, ids := range choices {
			for _, id := range ids {
				name := "Re-open nominations"
				for n, cid := range env.cand {
					if cid == id {
						name = n
					}
				}
				if !strings.Contains(body, "<li>"+name+"</li>") {
					t.Errorf("receipt %s: the ballot's choice %s is not shown", code, name)
				}
			}
		}
		if len(choices) == 0 && strings.Count(body, "Left blank") != 17 {
			t.Errorf("the blank ballot does not show 17 positions left blank")
		}
	}

	resp, body := env.checkReceipt("ZZZZZ-ZZZZZ-ZZZZZ")
	wantStatus(t, "unknown receipt", resp, http.StatusNotFound, body)
	if !strings.Contains(body, "<strong>Not found.</strong>") || strings.Contains(body, "Counted") {
		t.Errorf("unknown code:\n%s", body)
	}
	resp, body = env.checkReceipt("K7QF0-XMC2R")
	wantStatus(t, "malformed receipt", resp, http.StatusUnprocessableEntity, body)
	if !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, `href="#receipt"`) || !strings.Contains(body, `value="K7QF0-XMC2R"`) {
		t.Errorf("a malformed code is not reported on its field:\n%s", body)
	}
	for code := range env.receipts {
		resp, body := env.checkReceipt(code, "forged")
		wantStatus(t, "forged form token", resp, http.StatusForbidden, body)
		break
	}
}

// Receipt codes are secrets: guessing them is throttled with the personal links, so the
// published list cannot be searched for someone else's ballot one guess after another.
func TestReceiptGuessingIsThrottled(t *testing.T) {
	env := newResultsEnv(t)
	env.publish(nil)
	var real string
	for code := range env.receipts {
		real = code
		break
	}
	guesses := 0
	for ; guesses < 100; guesses++ {
		const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
		resp, body := env.checkReceipt(fmt.Sprintf("ZZZZZ-ZZZZZ-ZZZ%c%c", alphabet[guesses/30], alphabet[guesses%30]))
		if resp.StatusCode == http.StatusTooManyRequests {
			if resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many") {
				t.Errorf("429 without Retry-After or an explanation:\n%s", body)
			}
			break
		}
		wantStatus(t, "a wrong guess", resp, http.StatusNotFound, body)
	}
	if guesses == 0 || guesses == 100 {
		t.Fatalf("%d wrong receipt codes before a 429, want a limit that is reached but not at once", guesses)
	}
	// While the client waits, even a right code is not looked up.
	if resp, body := env.checkReceipt(real); resp.StatusCode != http.StatusTooManyRequests || strings.Contains(body, "Counted") {
		t.Errorf("a right code while throttled: %d", resp.StatusCode)
	}
}

func TestUnsignedPublicationHasNoSignature(t *testing.T) {
	env := newResultsEnv(t)
	env.publish(nil)
	resp, body := env.get("/elections/" + slug + "/results.json.sig")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "unsigned") {
		t.Errorf("signature of unsigned results: %d %s", resp.StatusCode, body)
	}
	_, page := env.get("/elections/" + slug + "/results")
	if !strings.Contains(string(page), "These results are not signed") || strings.Contains(string(page), "results.json.sig") {
		t.Error("the page of unsigned results does not say so")
	}
}
