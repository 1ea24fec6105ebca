package civicrm_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

func rosterServer(b *testing.B, n int) *civicrmtest.Server {
	b.Helper()
	return civicrmtest.NewTestServer(b, civicrmtest.WithClock(func() time.Time { return recordedDay }),
		civicrmtest.WithRoster(n, 1))
}

// BenchmarkMemberships1M pages a generated roster of 1,000,000
// memberships (about 850k current) from the fake through the client,
// 2000 per page: one op is one whole pass. The fake runs in the same
// process, so this includes its cost of building pages; compare
// BenchmarkFakePages1M (the fake and HTTP alone) and
// BenchmarkDecodeMemberPage (the client's decoding alone).
func BenchmarkMemberships1M(b *testing.B) {
	srv := rosterServer(b, 1_000_000)
	c, err := civicrm.New(civicrm.Config{BaseURL: srv.URL(), APIKey: civicrmtest.AdminKey, PageSize: 2000},
		zap.NewNop(), prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	rows := 0
	start := time.Now()
	for b.Loop() {
		for _, err := range c.Memberships(context.Background(), civicrm.MemberQuery{}) {
			if err != nil {
				b.Fatal(err)
			}
			rows++
		}
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "members/s")
	b.ReportMetric(float64(rows)/float64(b.N), "members/op")
}

// BenchmarkFakePages1M makes the same keyset requests with a bare
// http.Client and does not decode the rows: the cost of the fake plus
// HTTP, to subtract from BenchmarkMemberships1M.
func BenchmarkFakePages1M(b *testing.B) {
	srv := rosterServer(b, 1_000_000)
	hc := &http.Client{}
	sel := `"select":["id","contact_id","contact_id.display_name","contact_id.email_primary.email",` +
		`"contact_id.external_identifier","membership_type_id:name","status_id:name","join_date","start_date","end_date"]`
	b.ReportAllocs()
	rows := 0
	start := time.Now()
	var buf bytes.Buffer
	for b.Loop() {
		last := int64(0)
		for {
			where := `[["status_id.is_current_member","=",true],["contact_id.is_deleted","=",false],["contact_id.is_deceased","=",false]`
			if last > 0 {
				where += `,["id",">",` + strconv.FormatInt(last, 10) + `]`
			}
			params := fmt.Sprintf(`{%s,"where":%s],"orderBy":{"id":"ASC"},"limit":2000}`, sel, where)
			req, _ := http.NewRequest("POST", srv.URL()+"/civicrm/ajax/api4/Membership/get",
				bytes.NewBufferString("params="+url.QueryEscape(params)))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Civi-Auth", "Bearer "+civicrmtest.AdminKey)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			buf.Reset()
			_, _ = buf.ReadFrom(resp.Body)
			resp.Body.Close()
			n := bytes.Count(buf.Bytes(), []byte(`{"id":`))
			rows += n
			if n < 2000 {
				break
			}
			i := bytes.LastIndex(buf.Bytes(), []byte(`{"id":`)) + len(`{"id":`)
			j := bytes.IndexByte(buf.Bytes()[i:], ',')
			last, _ = strconv.ParseInt(string(buf.Bytes()[i:i+j]), 10, 64)
		}
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "members/s")
}
