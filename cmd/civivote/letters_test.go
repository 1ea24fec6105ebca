package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// pdfPages returns the text of each page of the PDF at path, read by poppler's pdftotext,
// a reader independent of the one that wrote it. Without pdftotext the test skips, and
// fails under CI=true (scripts/with-browser installs poppler-utils for make test).
func pdfPages(t *testing.T, path string) []string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing: make test installs poppler-utils through scripts/with-browser; install it (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext is not installed (apt-get install poppler-utils): the letters cannot be read back")
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	pages := strings.Split(string(out), "\f")
	if last := len(pages) - 1; strings.TrimSpace(pages[last]) == "" {
		pages = pages[:last] // pdftotext ends every page with a form feed
	}
	return pages
}

// TestLettersPrintAPagePerMemberAMailingCannotReach sets up an election on a generated
// union in the fake CiviCRM (sync, the WISE-RA election, links issued when nominations
// open), marks one member's email as opted out and one address-less member's email as
// bounced in CiviCRM, then runs `civivote letters SLUG -o FILE.pdf`: one page per member
// on the roll without an email or with a held one, in contact order, each with the
// member's name, city and own link; the output counts them and names those left out for
// lack of an address.
func TestLettersPrintAPagePerMemberAMailingCannotReach(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), civicrmtest.WithUnion(300, 11))
	dsn := storetest.NewDatabase(t)
	ctx := context.Background()
	now := time.Now()
	cli := map[string]string{
		"CIVIVOTE_MYSQL_DSN": dsn, "CIVIVOTE_CIVICRM_URL": fake.URL(), "CIVIVOTE_CIVICRM_API_KEY": civicrmtest.AdminKey,
		"CIVIVOTE_PUBLIC_URL": "https://vote.example.org", "CIVIVOTE_TOKEN_SECRET": testTokenSecret,
		"CIVIVOTE_HELP_CONTACT": "the election committee at elections@example.org", "CIVIVOTE_LOG_LEVEL": "warn",
	}
	mustRun(t, cli, "election", "apply", "-f", wiseRANow(t, now))
	mustRun(t, cli, "sync")
	db := storetest.OpenDSN(t, dsn)
	lc := store.LinkConfig{Secret: []byte(testTokenSecret), Field: linkField}
	if _, err := db.AdvanceElection(ctx, wiseRA, "test: nominations", lc, "test:committee", now.Add(-150*time.Minute)); err != nil {
		t.Fatal(err)
	}
	var roll []int64
	rows, err := db.SQL().QueryContext(ctx, `SELECT v.contact_id FROM voters v JOIN elections e ON e.id = v.election_id
		WHERE e.slug = ? AND v.token_hash IS NOT NULL AND v.revoked_at IS NULL ORDER BY v.contact_id`, wiseRA)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		roll = append(roll, id)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}

	// After the sync, in CiviCRM only (read at print time): a member opts out of bulk
	// mail, and a member without a postal address has their email bounce.
	var optedOut, bounced int64
	for _, id := range roll {
		c, _ := fake.Contact(id)
		_, hasAddress := fake.AddressOf(id)
		switch {
		case optedOut == 0 && c.Email != "" && c.EmailOnHold == 0 && hasAddress:
			optedOut = id
		case bounced == 0 && c.Email != "" && c.EmailOnHold == 0 && !hasAddress:
			bounced = id
		}
	}
	if optedOut == 0 || bounced == 0 {
		t.Fatalf("the generated union lacks a member with an email and an address (%d) or one with an email and none (%d)", optedOut, bounced)
	}
	if err := fake.SetEmailOnHold(optedOut, 2); err != nil {
		t.Fatal(err)
	}
	if err := fake.SetEmailOnHold(bounced, 1); err != nil {
		t.Fatal(err)
	}

	// Whom the letters must reach, from the fake's own records.
	var want []int64
	var noAddress []string
	noEmail := 0
	for _, id := range roll {
		c, _ := fake.Contact(id)
		if c.Email != "" && c.EmailOnHold == 0 {
			continue
		}
		if _, ok := fake.AddressOf(id); !ok {
			noAddress = append(noAddress, fmt.Sprint(id))
			continue
		}
		if c.Email == "" {
			noEmail++
		}
		want = append(want, id)
	}
	if noEmail == 0 || len(want) < 5 {
		t.Fatalf("the generated union gives %d letters, %d without email: too few to test", len(want), noEmail)
	}

	pdf := filepath.Join(t.TempDir(), "letters.pdf")
	out := mustRun(t, cli, "letters", wiseRA, "-o", pdf)
	if line := fmt.Sprintf("%d letters written to %s (%d members without email, %d whose email CiviCRM holds).",
		len(want), pdf, noEmail, len(want)-noEmail); !strings.Contains(out, line) {
		t.Errorf("letters output lacks %q:\n%s", line, out)
	}
	if line := fmt.Sprintf("%d members who need a letter have no postal address in CiviCRM (contacts %s): add one there",
		len(noAddress), strings.Join(noAddress, ", ")); !strings.Contains(out, line) {
		t.Errorf("letters output lacks %q:\n%s", line, out)
	}
	if !slices.Contains(noAddress, fmt.Sprint(bounced)) {
		t.Errorf("member %d (bounced, no address) is not among those left out: %v", bounced, noAddress)
	}
	if fi, err := os.Stat(pdf); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("letters.pdf: %v, mode %v; want it readable by its owner only (it holds links)", err, fi.Mode().Perm())
	}

	t.Logf("roll of %d: %d letters (%d without email), %d left out without an address", len(roll), len(want), noEmail, len(noAddress))
	pages := pdfPages(t, pdf)
	if len(pages) != len(want) {
		t.Fatalf("letters.pdf has %d pages, want %d (one per member without email or with a held one, with an address)", len(pages), len(want))
	}
	space := regexp.MustCompile(`\s+`)
	for i, id := range want {
		c, _ := fake.Contact(id)
		a, _ := fake.AddressOf(id)
		link := "https://vote.example.org/v/" + election.DeriveToken([]byte(testTokenSecret), wiseRA, id, 0)
		pg := pages[i]
		for _, s := range []string{c.FirstName, c.LastName, a.City, "Europe/London"} {
			if !strings.Contains(pg, s) {
				t.Errorf("page %d (contact %d) lacks %q:\n%s", i+1, id, s, pg)
			}
		}
		if !strings.Contains(space.ReplaceAllString(pg, ""), link) {
			t.Errorf("page %d (contact %d) lacks the member's link %s:\n%s", i+1, id, link, pg)
		}
		if i+1 < len(want) {
			next := election.DeriveToken([]byte(testTokenSecret), wiseRA, want[i+1], 0)
			if strings.Contains(space.ReplaceAllString(pg, ""), next) {
				t.Errorf("page %d holds the link of contact %d", i+1, want[i+1])
			}
		}
	}
}
