package civicrmtest_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

// recordedAt is when the transcripts were recorded; their dates (is_current,
// Grace end dates) are relative to it.
var recordedAt = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// TestTranscriptReplay sends every recorded request to one fake seeded as
// the recorded site, in file order, as the recording did, and compares
// status, Content-Type and the shape of the body.
//
// State the recording set up outside the transcripts is recreated before
// the transcripts that need it:
//   - before 66: the throughput runs had added 20,000 bulk members
//     (contacts 55…, memberships 51…) and hundreds of type-11 relationships
//     to contact 4, and the bogus relationship 3 from 55 was gone (79's note
//     counts 808 = 806 benchmark rows + ids 1 and 2);
//   - before 75: contact 20 was trashed (75's note);
//   - 82: the PHP time limit is injected to cut in after 3,073 records, the
//     count the recording measured.
func TestTranscriptReplay(t *testing.T) {
	ts := loadTranscripts(t)
	if len(ts) != 82 {
		t.Errorf("found %d transcripts, want 82", len(ts))
	}
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), civicrmtest.WithClock(func() time.Time { return recordedAt }))
	setup := map[int]func(t *testing.T){
		66: func(t *testing.T) {
			s.GenerateRoster(20000, 1)
			for i := range int64(6) {
				s.AddRelationship(civicrmtest.Relationship{ContactIDA: 100 + i, ContactIDB: 4, TypeID: 11,
					StartDate: "2026-01-01", EndDate: "2026-12-31", IsActive: true, Description: "rel-batch"})
			}
			if err := s.DeleteRelationship(3); err != nil {
				t.Fatal(err)
			}
		},
		75: func(t *testing.T) {
			if err := s.TrashContact(20); err != nil {
				t.Fatal(err)
			}
		},
		82: func(*testing.T) { s.Inject(civicrmtest.TimeLimit(3073).On("Contact", "save")) },
	}
	for _, tr := range ts {
		t.Run(tr.file, func(t *testing.T) {
			if f := setup[tr.num]; f != nil {
				f(t)
			}
			replay(t, s, tr)
		})
	}
	t.Run("82 left the first 3073 records written", func(t *testing.T) {
		if v, _ := s.CustomValue(55+3072, "Union_Sync.voting_link"); !strings.HasSuffix(v, "t=tx82") {
			t.Errorf("contact %d voting_link = %q, want the tx82 link", 55+3072, v)
		}
		if v, ok := s.CustomValue(55+3073, "Union_Sync.voting_link"); ok {
			t.Errorf("contact %d voting_link = %q, want it unwritten", 55+3073, v)
		}
	})
}

func replay(t *testing.T, s *civicrmtest.Server, tr transcript) {
	t.Helper()
	req, err := http.NewRequest(tr.method, s.URL()+tr.target, strings.NewReader(tr.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range tr.header {
		if k == "Host" || k == "Content-Length" {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if resp.StatusCode != tr.status {
		t.Fatalf("status %d, recorded %d; body %s", resp.StatusCode, tr.status, got)
	}
	wantCT, gotCT := tr.rheader.Get("Content-Type"), resp.Header.Get("Content-Type")
	if norm(wantCT) != norm(gotCT) {
		t.Errorf("Content-Type %q, recorded %q", gotCT, wantCT)
	}
	if resp.Header.Get("Set-Cookie") == "" {
		t.Errorf("no Set-Cookie; CiviCRM sets a fresh session cookie on every answer")
	}
	switch {
	case strings.HasPrefix(wantCT, "application/json"):
		if err := sameShape(tr.rbody, got); err != nil {
			t.Error(err)
		}
	case strings.HasPrefix(wantCT, "text/html"):
		if (tr.rbody == "") != (got == "") || firstLine(tr.rbody) != firstLine(got) {
			t.Errorf("HTML body starts %q, recorded %q", firstLine(got), firstLine(tr.rbody))
		}
	default:
		if got != tr.rbody {
			t.Errorf("body %q, recorded %q", got, tr.rbody)
		}
	}
}

func norm(ct string) string { return strings.ToLower(strings.ReplaceAll(ct, " ", "")) }

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
