package civicrm

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

// BenchmarkDecodeMemberPage decodes one 2000-row page captured from the
// fake, from memory: the client's own parsing cost, with no server.
func BenchmarkDecodeMemberPage(b *testing.B) {
	body := captureFakePage(b)
	p := newMemberPage(2000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	rows := 0
	start := time.Now()
	for b.Loop() {
		if err := p.decode(body); err != nil {
			b.Fatal(err)
		}
		rows += len(p.rows)
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "members/s")
}

func captureFakePage(tb testing.TB) []byte {
	tb.Helper()
	srv := civicrmtest.NewTestServer(tb, civicrmtest.WithRoster(4000, 1),
		civicrmtest.WithClock(func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }))
	params := `{"select":["id","contact_id","contact_id.display_name","contact_id.email_primary.email",` +
		`"contact_id.external_identifier","membership_type_id:name","status_id:name","join_date","start_date",` +
		`"end_date"],"where":[["status_id.is_current_member","=",true]],"orderBy":{"id":"ASC"},"limit":2000}`
	req, _ := http.NewRequest("POST", srv.URL()+"/civicrm/ajax/api4/Membership/get",
		bytes.NewBufferString("params="+url.QueryEscape(params)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Civi-Auth", "Bearer "+civicrmtest.AdminKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		tb.Fatalf("capture: %d %v", resp.StatusCode, err)
	}
	return body
}

// TestDecodeFakePageMatchesEncodingJSON checks the fast decoder against
// encoding/json on a generated page (escapes, nulls, every status).
func TestDecodeFakePageMatchesEncodingJSON(t *testing.T) {
	body := captureFakePage(t)
	p := newMemberPage(2000)
	if err := p.decode(body); err != nil {
		t.Fatal(err)
	}
	want := referenceDecode(t, body)
	if len(p.rows) != 2000 || len(want) != 2000 {
		t.Fatalf("%d rows, reference %d", len(p.rows), len(want))
	}
	for i := range want {
		if p.rows[i] != want[i] {
			t.Fatalf("row %d: %+v, reference %+v", i, p.rows[i], want[i])
		}
	}
}
