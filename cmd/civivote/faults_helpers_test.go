package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/roster"
	"github.com/civivote/civivote/scheduler"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// The fault suites (faults_*_test.go) run the real binary against MariaDB and the fake
// CiviCRM, break something (kill -9, a stopped database, CiviCRM answering 503), and check
// what members and the committee are promised: no ballot lost once its receipt was shown,
// none without its voter's mark, no member wrongly lapsed, no CiviCRM write lost or doubled.

// faultsLong reports whether the long fault suites run: CIVIVOTE_TEST_FAULTS=1 (CI sets it).
func faultsLong(t *testing.T) {
	t.Helper()
	if os.Getenv("CIVIVOTE_TEST_FAULTS") != "1" {
		t.Skip("a long fault suite: set CIVIVOTE_TEST_FAULTS=1 to run it (CI does)")
	}
}

// replica is one running `civivote serve`.
type replica struct {
	cmd  *exec.Cmd
	logs *logLines
	base string
}

// startReplica starts serve with env. Its log is read without ever blocking the process
// (heavy casting logs a line per request), so only lines() and waitLog may look at it.
func startReplica(t *testing.T, env []string) *replica {
	t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = env
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	logs := &logLines{seen: make(chan map[string]any, 64)}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			var m map[string]any
			logs.mu.Lock()
			logs.raw.WriteString(sc.Text() + "\n")
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				logs.lines = append(logs.lines, m)
			}
			logs.mu.Unlock()
		}
		close(logs.seen)
	}()
	r := &replica{cmd: cmd, logs: logs}
	listening := waitLog(t, r, "listening", func(map[string]any) bool { return true })
	r.base = "http://" + listening["addr"].(string)
	return r
}

// waitLog waits until r has logged msg with a line for which ok holds.
func waitLog(t *testing.T, r *replica, msg string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	return waitUntil(t, fmt.Sprintf("a %q log line", msg), func() (map[string]any, bool) {
		for _, m := range r.lines() {
			if m["msg"] == msg && ok(m) {
				return m, true
			}
		}
		return nil, false
	})
}

func (r *replica) lines() []map[string]any {
	r.logs.mu.Lock()
	defer r.logs.mu.Unlock()
	return append([]map[string]any(nil), r.logs.lines...)
}

// kill9 kills r with SIGKILL: no shutdown, no hand-back of claims or leases.
func (r *replica) kill9(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	r.cmd.Wait()
}

// faultEnv is serve's environment for the fault suites: short leases, claims and retries
// (so a killed replica's work comes back within seconds, not minutes), no job on its own
// unless extra schedules one.
func faultEnv(dsn, crmURL string, extra ...string) []string {
	env := []string{
		"CIVIVOTE_MYSQL_DSN=" + dsn,
		"CIVIVOTE_CIVICRM_URL=" + crmURL,
		"CIVIVOTE_CIVICRM_API_KEY=" + civicrmtest.AdminKey,
		"CIVIVOTE_PUBLIC_URL=https://vote.example.org",
		"CIVIVOTE_TOKEN_SECRET=" + testTokenSecret,
		"CIVIVOTE_LISTEN_ADDR=127.0.0.1:0",
		"CIVIVOTE_ADMIN_TOKEN=" + adminToken,
		"CIVIVOTE_OBSERVER_TOKEN=" + observerToken,
		"CIVIVOTE_SYNC_SCHEDULE=0 3 1 1 *",
		"CIVIVOTE_LIFECYCLE_SCHEDULE=0 3 1 1 *",
		"CIVIVOTE_OUTBOX_SCHEDULE=0 3 1 1 *",
		"CIVIVOTE_CIVICRM_TIMEOUT=4s",
		"CIVIVOTE_OUTBOX_CLAIM_TTL=5s",
		"CIVIVOTE_OUTBOX_RETRY_MIN=1s",
		"CIVIVOTE_OUTBOX_RETRY_MAX=2s",
		"CIVIVOTE_LEASE_TTL=3s",
		// Casting from many goroutines on one address is not guessing.
		"CIVIVOTE_LINK_LIMIT_PER_CLIENT=100000/1m",
		"CIVIVOTE_LINK_LIMIT_GLOBAL=100000/1m",
	}
	return append(env, extra...)
}

// votingSite is an election with voting open, set up in-process the way the demo does it:
// the recorded site plus a generated union synced into the roster, the WISE-RA fixture
// moved so voting opened an hour ago, candidates nominated through their links.
type votingSite struct {
	fake    *civicrmtest.Server
	dsn     string
	db      *store.DB
	cfg     *config.Config
	members []int64 // in good standing, each with a live link
	form    url.Values
}

func newVotingSite(t *testing.T, union int, opts ...civicrmtest.Option) *votingSite {
	t.Helper()
	fake := civicrmtest.NewTestServer(t, append([]civicrmtest.Option{civicrmtest.WithTranscriptSite(),
		civicrmtest.WithUnion(union, 9)}, opts...)...)
	dsn := storetest.NewDatabase(t)
	return openVotingSite(t, fake, dsn)
}

func openVotingSite(t *testing.T, fake *civicrmtest.Server, dsn string) *votingSite {
	t.Helper()
	ctx := context.Background()
	db := storetest.OpenDSN(t, dsn)
	cfg, err := config.Load(func(k string) string {
		for _, kv := range faultEnv(dsn, fake.URL()) {
			if name, v, _ := strings.Cut(kv, "="); name == k {
				return v
			}
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	crm, err := newCiviCRM(cfg, zap.NewNop(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	lc := linkConfig(cfg)
	rs := rosterService{Syncer: newSyncer(cfg, db, crm, zap.NewNop(), prometheus.NewRegistry()), db: db,
		holder: scheduler.NewHolderID(), lc: lc, log: zap.NewNop()}
	if _, err := rs.Sync(ctx, roster.Request{Trigger: "cli", Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	def, src, err := demoElection(now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyElection(ctx, def, src, "test", now); err != nil {
		t.Fatal(err)
	}
	during := def.Nominations.Opens.Add(time.Hour)
	if _, err := db.AdvanceDue(ctx, lc, during); err != nil {
		t.Fatal(err)
	}
	s := &votingSite{fake: fake, dsn: dsn, db: db, cfg: cfg}
	if err := db.Roll(ctx, func(r roster.RollEntry) error {
		if r.InGoodStanding {
			s.members = append(s.members, r.ContactID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := nominateDemoCandidates(ctx, db, lc, s.members[len(s.members)/10:], during); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AdvanceDue(ctx, lc, now); err != nil {
		t.Fatal(err)
	}
	st, err := db.GetElection(ctx, demoSlug)
	if err != nil || st.State != election.VotingOpen {
		t.Fatalf("the election is not open for voting: %v %v", st, err)
	}
	paper, err := db.BallotPaper(ctx, &st.Election)
	if err != nil {
		t.Fatal(err)
	}
	s.form = url.Values{}
	for _, c := range paper.Contests() {
		if len(c.Candidates) > 0 {
			s.form.Set(c.Key, strconv.FormatInt(c.Candidates[0], 10))
		}
	}
	return s
}

// faultReceipt finds the receipt code on the confirmation page.
var faultReceipt = regexp.MustCompile(`<code>([2-9A-Z]{5}-[2-9A-Z]{5}-[2-9A-Z]{5})</code>`)

// castResult is what a member saw of one attempt to vote.
type castResult struct {
	receipt string // the code on the confirmation page, when one came back
	already bool   // the page said they had already voted
	status  int    // the cast's HTTP status (0: no answer)
	page    string
	err     error // no answer at all (connection refused or cut)
}

// castHTTP votes as a member does: open the personal link (the ballot page), then cast.
// (The review page in between only echoes the choices back as hidden fields.) It never
// fails the test: a killed server is part of the experiment.
func castHTTP(base string, contact int64, form url.Values) castResult {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 60 * time.Second}
	get := func(method, u string, body url.Values) (int, string, error) {
		var rd io.Reader
		if body != nil {
			rd = strings.NewReader(body.Encode())
		}
		req, _ := http.NewRequest(method, u, rd)
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := c.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), err
	}
	status, page, err := get("GET", base+"/v/"+election.DeriveToken([]byte(testTokenSecret), demoSlug, contact, 0), nil)
	if err != nil {
		return castResult{err: err}
	}
	if status != http.StatusOK || !strings.Contains(page, `action="/member/`+demoSlug+`/review"`) {
		return castResult{status: status, page: page, already: strings.Contains(page, "already voted")}
	}
	m := hiddenInput.FindAllStringSubmatch(page, -1)
	csrf := ""
	for _, h := range m {
		if h[1] == "csrf" {
			csrf = h[2]
		}
	}
	if csrf == "" {
		return castResult{status: status, page: page, err: errors.New("no form token on the ballot page")}
	}
	body := url.Values{"csrf": {csrf}}
	for k, v := range form {
		body[k] = v
	}
	status, page, err = get("POST", base+"/member/"+demoSlug+"/cast", body)
	if err != nil {
		return castResult{status: status, err: err}
	}
	r := castResult{status: status, page: page, already: status == http.StatusConflict && strings.Contains(page, "already voted")}
	if rm := faultReceipt.FindStringSubmatch(page); status == http.StatusOK && rm != nil {
		r.receipt = rm[1]
	}
	return r
}

// checkBallotsAndMarks checks the ballots table against the voters' marks and the receipts
// members were shown: every receipt is there once, and there are exactly as many ballots
// as voters marked as voted. It returns the number of ballots.
func checkBallotsAndMarks(t *testing.T, db *store.DB, receipts []string) int {
	t.Helper()
	ctx := context.Background()
	var ballots, voted, distinct int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT b.receipt_code) FROM ballots b
		JOIN elections e ON e.id = b.election_id WHERE e.slug = ?`, demoSlug).Scan(&ballots, &distinct); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM voters v JOIN elections e ON e.id = v.election_id
		WHERE e.slug = ? AND v.voted`, demoSlug).Scan(&voted); err != nil {
		t.Fatal(err)
	}
	if ballots != voted || distinct != ballots {
		t.Errorf("%d ballots (%d distinct receipts) for %d voters marked as voted: each mark needs exactly one ballot", ballots, distinct, voted)
	}
	seen := map[string]bool{}
	for _, r := range receipts {
		if seen[r] {
			t.Errorf("receipt %s was shown to two members", r)
		}
		seen[r] = true
		var n int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM ballots WHERE receipt_code = ?`, r).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("receipt %s was shown to a member, but %d ballots carry it", r, n)
		}
	}
	return ballots
}

var tagsRe = regexp.MustCompile(`(?s)<head>.*?</head>|<[^>]*>|\s+`)

// pageText is a page's visible text on one line, for a failure message.
func pageText(page string) string {
	return strings.TrimSpace(tagsRe.ReplaceAllString(page, " "))
}
