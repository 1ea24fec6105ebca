package civicrmtest_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

// memberPage is the client's keyset query for current members.
func memberPage(after int64, limit int) string {
	return fmt.Sprintf(`{"select":["id","contact_id","contact_id.display_name","contact_id.email_primary.email",`+
		`"contact_id.external_identifier","membership_type_id:name","status_id:name","join_date","start_date","end_date"],`+
		`"where":[["status_id.is_current_member","=",true],["contact_id.is_deleted","=",false],`+
		`["contact_id.is_deceased","=",false],["id",">",%d]],"orderBy":{"id":"ASC"},"limit":%d}`, after, limit)
}

// lastID finds the last row's id and the row count from countFetched,
// without decoding the page, so the benchmark measures the fake alone.
func lastID(b []byte) (int64, int) {
	var id int64
	if i := bytes.LastIndex(b, []byte(`{"id":`)); i >= 0 {
		fmt.Sscan(string(b[i+6:i+6+bytes.IndexByte(b[i+6:], ',')]), &id)
	}
	n := 0
	if i := bytes.LastIndex(b, []byte(`"countFetched":`)); i >= 0 {
		fmt.Sscan(strings.TrimRight(string(b[i+15:]), "}"), &n)
	}
	return id, n
}

// BenchmarkKeysetRoster1M pages every current member of a 1,000,000
// membership roster through the handler (no network), 1,000 per page.
func BenchmarkKeysetRoster1M(b *testing.B) {
	s := civicrmtest.New(civicrmtest.WithRoster(1_000_000, 1))
	w := &sink{}
	rows := 0
	b.ReportAllocs()
	for b.Loop() {
		var after int64
		for {
			form := url.Values{"params": {memberPage(after, 1000)}}.Encode()
			req := httptest.NewRequest(http.MethodPost, "/civicrm/ajax/api4/Membership/get", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Civi-Auth", "Bearer "+civicrmtest.AdminKey)
			w.reset()
			s.ServeHTTP(w, req)
			if w.code != http.StatusOK {
				b.Fatalf("status %d: %s", w.code, w.body[:min(200, len(w.body))])
			}
			id, n := lastID(w.body)
			rows += n
			if n < 1000 {
				break
			}
			after = id
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkKeysetPageHTTP serves one 1,000-row page over loopback HTTP
// from a 1M roster, the unit the client's benchmark repeats.
func BenchmarkKeysetPageHTTP(b *testing.B) {
	s := civicrmtest.NewTestServer(b, civicrmtest.WithRoster(1_000_000, 1))
	client := s.Client()
	var after int64
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"/civicrm/ajax/api4/Membership/get",
			strings.NewReader(url.Values{"params": {memberPage(after, 1000)}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Civi-Auth", "Bearer "+civicrmtest.AdminKey)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		id, n := lastID(buf.Bytes())
		if n < 1000 {
			id = 0
		}
		after = id
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "rows/s")
}

// sink is a reusable ResponseWriter, so the benchmark does not count a
// recorder's buffer growth against the fake.
type sink struct {
	h    http.Header
	code int
	body []byte
}

func (s *sink) reset() {
	s.h, s.code, s.body = http.Header{}, 0, s.body[:0]
}

func (s *sink) Header() http.Header { return s.h }

func (s *sink) WriteHeader(code int) { s.code = code }

func (s *sink) Write(b []byte) (int, error) {
	if s.code == 0 {
		s.code = http.StatusOK
	}
	s.body = append(s.body, b...)
	return len(b), nil
}
