package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store/storetest"
)

// printedSHA256 returns the digest `civivote publish` printed under the line naming file.
func printedSHA256(t *testing.T, out, file string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(file) + `:[^\n]*\n\s+sha256 ([0-9a-f]{64})`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo printed no sha256 for %s:\n%s", file, out)
	}
	return m[1]
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestDemoFastPublishesAndKeepsServingTheResults is `civivote demo --fast 1s` without
// --exit: once it says the results are out, its server answers results.json and
// ballots.json with the digests it printed, the tie the synthetic ballots made was drawn
// by the demo's lot and published as such, and the fake CiviCRM, read through its API at
// the address the demo printed, holds one relationship per elected officer with the
// tenure's dates. Ctrl-C then stops it.
func TestDemoFastPublishesAndKeepsServingTheResults(t *testing.T) {
	dsn := storetest.NewDatabase(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	getenv := func(k string) string { return map[string]string{"CIVIVOTE_MYSQL_DSN": dsn}[k] }
	go func() {
		done <- run(ctx, []string{"demo", "--members", "300", "--listen", "127.0.0.1:0", "--fast", "1s"}, getenv, out, &bytes.Buffer{})
	}()
	text := waitUntil(t, "the demo to publish and write back", func() (string, bool) {
		select {
		case err := <-done:
			t.Fatalf("demo stopped early: %v\n%s", err, out.String())
		default:
		}
		s := out.String()
		return s, strings.Contains(s, "Serving until Ctrl-C")
	})
	for _, want := range []string{"TIE between", "the lot drew", "1 draw recorded", "published, revision 1",
		"signing key:    a demo key made for this run", "relationships queued in the outbox", "The results are published",
		"receipt is "} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q:\n%s", want, text)
		}
	}
	base := regexp.MustCompile(`results page:\s+(http://127\.0\.0\.1:\d+/elections/` + demoSlug + `)/results`).FindStringSubmatch(text)
	if base == nil {
		t.Fatalf("no results page URL printed:\n%s", text)
	}
	code, resultsJSON := httpGet(t, base[1]+"/results.json")
	if code != http.StatusOK {
		t.Fatalf("GET results.json from the demo: %d", code)
	}
	if got, want := sha256Hex(resultsJSON), printedSHA256(t, text, "results.json"); got != want {
		t.Errorf("results.json served hashes to %s, the demo printed %s", got, want)
	}
	code, ballotsJSON := httpGet(t, base[1]+"/ballots.json")
	if code != http.StatusOK {
		t.Fatalf("GET ballots.json from the demo: %d", code)
	}
	doc, err := election.ParseResults([]byte(resultsJSON))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sha256Hex(ballotsJSON), printedSHA256(t, text, "ballots.json"); got != want || doc.BallotsSHA256 != want {
		t.Errorf("ballots.json served hashes to %s; the demo printed %s, results.json says %s", got, want, doc.BallotsSHA256)
	}

	// The published officers, with their tenures, as results.json gives them.
	type tenure struct{ title, start, end string }
	want := map[string]tenure{} // candidate name -> tenure
	for _, p := range doc.Positions {
		if p.Key == demoTiePosition {
			if len(p.Resolutions) != 1 || !strings.Contains(p.Resolutions[0].Reason, "drawn by the demo's lot") {
				t.Errorf("%s resolutions %+v, want one drawn by the demo's lot", p.Key, p.Resolutions)
			}
		}
		for _, choice := range p.Elected {
			id, err := election.ParseChoiceID(choice)
			if err != nil {
				t.Fatal(err)
			}
			want[doc.Name(p.Key, id)] = tenure{p.Title, p.TenureStarts, p.TenureEnds}
		}
	}
	if len(want) < 6 {
		t.Fatalf("results.json elects %d officers, the demo's ballot should elect at least 6:\n%s", len(want), resultsJSON)
	}

	// What the fake CiviCRM holds, read through its API at the printed address.
	fakeURL := regexp.MustCompile(`fake CiviCRM at (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(text)
	if fakeURL == nil {
		t.Fatalf("no fake CiviCRM address printed:\n%s", text)
	}
	crm, err := civicrm.New(civicrm.Config{BaseURL: fakeURL[1], APIKey: civicrmtest.AdminKey}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.OpenDSN(t, dsn)
	officers, err := db.WritebackOfficers(ctx, demoSlug)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(officers))
	names := map[int64]string{}
	for i, o := range officers {
		ids[i], names[o.ContactID] = o.ContactID, o.Name
	}
	rels, err := crm.RelationshipsOf(ctx, "Officer of", 4, ids)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]tenure{}
	for _, r := range rels {
		name := names[r.ContactIDA]
		if _, dup := got[name]; dup {
			t.Errorf("%s has more than one officer relationship in CiviCRM", name)
		}
		got[name] = tenure{r.Description, r.StartDate.Format(time.DateOnly), r.EndDate.Format(time.DateOnly)}
		if !r.Active {
			t.Errorf("%s's relationship %d is inactive", name, r.ID)
		}
	}
	if len(got) != len(want) {
		t.Errorf("CiviCRM holds officer relationships for %d people, results.json elects %d", len(got), len(want))
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s in CiviCRM: %+v, want %+v (from results.json)", name, got[name], w)
		}
		if !regexp.MustCompile(regexp.QuoteMeta(name) + `\s+\d+\s+ok: relationship \d+, ` + w.start + ` to ` + w.end).MatchString(text) {
			t.Errorf("the demo's read-back does not show %s from %s to %s:\n%s", name, w.start, w.end, text)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo after Ctrl-C: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop within 30s of Ctrl-C")
	}
}
