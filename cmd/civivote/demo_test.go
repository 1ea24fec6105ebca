package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store/storetest"
)

// syncBuffer is a bytes.Buffer the demo writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var demoLink = regexp.MustCompile(`(http://127\.0\.0\.1:\d+)/v/([A-Za-z0-9_-]{40,})`)

// TestDemoReachesVotingOpenAndALinkVotes runs `civivote demo` as a newcomer would, up to
// "voting is open", then follows one of the five links it printed (read from the fake
// CiviCRM) and casts a ballot over HTTP; Ctrl-C (the context) stops it cleanly.
func TestDemoReachesVotingOpenAndALinkVotes(t *testing.T) {
	dsn := storetest.NewDatabase(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	getenv := func(k string) string { return map[string]string{"CIVIVOTE_MYSQL_DSN": dsn}[k] }
	go func() {
		done <- run(ctx, []string{"demo", "--members", "400", "--listen", "127.0.0.1:0"}, getenv, out, &bytes.Buffer{})
	}()
	text := waitUntil(t, "the demo to print its links", func() (string, bool) {
		select {
		case err := <-done:
			t.Fatalf("demo stopped early: %v\n%s", err, out.String())
		default:
		}
		s := out.String()
		return s, strings.Contains(s, "What to try")
	})
	for _, want := range []string{"Voting is open", "/admin", "Admin token:", "12 candidates", "writes delivered", "[1] Starting a fake CiviCRM"} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q:\n%s", want, text)
		}
	}
	links := demoLink.FindAllStringSubmatch(text, -1)
	if len(links) != 5 {
		t.Fatalf("demo printed %d links, want 5:\n%s", len(links), text)
	}
	base := links[0][1]

	jar, _ := cookiejar.New(nil)
	member := &http.Client{Jar: jar}
	resp, page := fetch(t, member, "GET", links[0][0], nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Treasurer") {
		t.Fatalf("following a printed link: %d at %s:\n%s", resp.StatusCode, resp.Request.URL, page)
	}
	csrf := formValue(t, page, "csrf")
	resp, page = fetch(t, member, "POST", base+"/member/"+demoSlug+"/cast", url.Values{"csrf": {csrf}, "complaints-officer": {"RON"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(page), "receipt") {
		t.Fatalf("casting: %d, want the receipt page:\n%s", resp.StatusCode, page)
	}
	resp, _ = fetch(t, member, "POST", base+"/member/"+demoSlug+"/cast", url.Values{"csrf": {csrf}, "complaints-officer": {"RON"}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("a second cast through the same link: %d, want 409", resp.StatusCode)
	}
	admin := regexp.MustCompile(`Admin token:\s+(\S+)`).FindStringSubmatch(text)[1]
	if code, body := apiCallRaw(t, "GET", base+"/api/admin/elections/"+demoSlug+"/turnout", admin, ""); code != http.StatusOK || !strings.Contains(body, "voted") {
		t.Errorf("turnout with the printed admin token: %d %v", code, body)
	}

	// The printed letters command, with the demo's configuration file, while it runs.
	envFile := checkDemoLetters(t, text)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo after Ctrl-C: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop within 30s of Ctrl-C")
	}
	if _, err := os.Stat(envFile); !os.IsNotExist(err) {
		t.Errorf("the demo's configuration file %s is still there after it stopped (%v)", envFile, err)
	}
	if !strings.Contains(out.String(), "civivote demo stopped") {
		t.Errorf("no goodbye after Ctrl-C:\n%s", out.String())
	}
}

// TestDemoFastRunsToTheCloseAndExits is `civivote demo --fast 1s --exit`: synthetic
// ballots through the real cast, voting closed after a second, the count, the tie drawn,
// the results published, the officers written back to the fake CiviCRM and read back from
// it, exit 0; what it leaves in the database says the same.
func TestDemoFastRunsToTheCloseAndExits(t *testing.T) {
	dsn := storetest.NewDatabase(t)
	var out bytes.Buffer
	getenv := func(k string) string { return map[string]string{"CIVIVOTE_MYSQL_DSN": dsn}[k] }
	err := run(context.Background(), []string{"demo", "--members", "300", "--listen", "127.0.0.1:0", "--fast", "1s", "--exit"},
		getenv, &out, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("demo --fast 1s --exit: %v\n%s", err, out.String())
	}
	for _, want := range []string{"ballots cast", "the election is voting closed", "the lot drew", "published: " + demoSlug + ", revision 1",
		"results.json:", "ballots.json:", "with the right dates.", "The results are published", "civivote demo stopped"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "Serving until Ctrl-C") {
		t.Errorf("--exit still served:\n%s", out.String())
	}
	db := storetest.OpenDSN(t, dsn)
	ctx := context.Background()
	pub, err := db.Publication(ctx, demoSlug)
	if err != nil {
		t.Fatalf("the demo's publication: %v", err)
	}
	if want := printedSHA256(t, out.String(), "results.json"); hex.EncodeToString(pub.ResultsSHA256[:]) != want || pub.ResultsSignature == nil {
		t.Errorf("stored publication: results sha256 %x signed %v; the demo printed %s, signed", pub.ResultsSHA256, pub.ResultsSignature != nil, want)
	}
	if st, err := db.GetElection(ctx, demoSlug); err != nil || st.State != election.WrittenBack {
		t.Errorf("the demo election is %v (%v), want written back", st.State, err)
	}
	officers, err := db.WritebackOfficers(ctx, demoSlug)
	if err != nil {
		t.Fatal(err)
	}
	items, err := db.WritebackItems(ctx, demoSlug)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(officers) || len(officers) < 6 {
		t.Errorf("%d write-back items for %d officers, want one each (and at least 6 officers)", len(items), len(officers))
	}
	for _, it := range items {
		if it.State != outbox.StateDone {
			t.Errorf("write-back item %d is %s, want delivered to the fake CiviCRM", it.ID, it.State)
		}
	}
	for _, o := range officers {
		if !regexp.MustCompile(regexp.QuoteMeta(o.Name) + `\s+\d+\s+ok: relationship \d+, ` + o.Start.String() + ` to ` + o.End.String()).MatchString(out.String()) {
			t.Errorf("the read-back from CiviCRM does not show %s (%s) from %s to %s", o.Name, o.Position, o.Start, o.End)
		}
	}
	// Run again on the same database: refused, nothing changed.
	err = run(context.Background(), []string{"demo", "--members", "300", "--listen", "127.0.0.1:0"}, getenv, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Errorf("a second demo on the same database: %v, want a refusal asking for an empty database", err)
	}
}

// TestDemoFixtureMatchesShared keeps the embedded copy equal to the shared WISE-RA fixture.
func TestDemoFixtureMatchesShared(t *testing.T) {
	shared, err := os.ReadFile("../../../shared/elections/wise-ra-2023.yaml")
	if err != nil {
		t.Skipf("the shared fixture is not beside this repository: %v", err)
	}
	_, body, _ := strings.Cut(string(demoFixture), "(TestDemoFixtureMatchesShared checks).\n")
	if body != string(shared) {
		t.Error("cmd/civivote/demodata/wise-ra-2023.yaml differs from shared/elections/wise-ra-2023.yaml: copy it again, keeping the header")
	}
}

var demoLetters = regexp.MustCompile(`\(set -a; \. (\S+); \S+ letters (\S+) -o letters\.pdf\)`)

// checkDemoLetters runs the letters command the demo printed, with the variables of the
// configuration file it names (private to the user), and returns the file's path.
func checkDemoLetters(t *testing.T, text string) string {
	t.Helper()
	m := demoLetters.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the demo printed no letters command:\n%s", text)
	}
	path, slug := m[1], m[2]
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the demo's configuration file %s: %v (mode %v), want it readable by its owner only", path, err, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		vars[k] = strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(v, "'"), "'"), `'\''`, "'")
	}
	pdf := filepath.Join(t.TempDir(), "letters.pdf")
	out := mustRun(t, vars, "letters", slug, "-o", pdf)
	if !regexp.MustCompile(`\d+ letters written to ` + regexp.QuoteMeta(pdf)).MatchString(out) {
		t.Errorf("the demo's letters command printed:\n%s", out)
	}
	return path
}
