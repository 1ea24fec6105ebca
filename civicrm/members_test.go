package civicrm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDecodeMemberPageTranscript(t *testing.T) {
	p := newMemberPage(10)
	if err := p.decode([]byte(transcriptAnswers()[1].body)); err != nil {
		t.Fatal(err)
	}
	if len(p.rows) != 10 {
		t.Fatalf("%d rows, want 10", len(p.rows))
	}
	want := Membership{ID: 1, ContactID: 5, DisplayName: "Alice Member001", Email: "alice.member1@example.org",
		ExternalID: "TU-001", Type: "Union Member", Status: "Current",
		JoinDate: day(2024, 11, 23), StartDate: day(2026, 5, 23), EndDate: day(2027, 5, 23)}
	if d := cmp.Diff(want, p.rows[0]); d != "" {
		t.Errorf("row 0 (-want +got):\n%s", d)
	}
	// The page decoder must agree with encoding/json on every recorded page.
	for _, n := range []int{1, 2, 3, 4, 74, 76} {
		body := []byte(transcriptAnswers()[n].body)
		if err := p.decode(body); err != nil {
			t.Fatalf("transcript %d: %v", n, err)
		}
		if d := cmp.Diff(referenceDecode(t, body), p.rows); d != "" {
			t.Errorf("transcript %d (-encoding/json +scanner):\n%s", n, d)
		}
	}
}

// referenceDecode decodes a member page with encoding/json.
func referenceDecode(tb testing.TB, body []byte) []Membership {
	tb.Helper()
	var env struct {
		Values []map[string]any `json:"values"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		tb.Fatal(err)
	}
	out := []Membership{}
	str := func(v any) string { s, _ := v.(string); return s }
	date := func(v any) time.Time {
		t, err := parseDate(str(v))
		if err != nil {
			tb.Fatal(err)
		}
		return t
	}
	for _, r := range env.Values {
		id, _ := r["id"].(float64)
		cid, _ := r["contact_id"].(float64)
		out = append(out, Membership{ID: int64(id), ContactID: int64(cid),
			DisplayName: str(r["contact_id.display_name"]), Email: str(r["contact_id.email_primary.email"]),
			ExternalID: str(r["contact_id.external_identifier"]), Type: str(r["membership_type_id:name"]),
			Status: str(r["status_id:name"]), JoinDate: date(r["join_date"]), StartDate: date(r["start_date"]),
			EndDate: date(r["end_date"])})
	}
	return out
}

func TestDecodeMemberPageOddities(t *testing.T) {
	body := `{"values":[{"id":"7","contact_id":9,"contact_id.display_name":"Zo\u00eb \"Z\" O\/Brien",` +
		`"contact_id.email_primary.email":null,"contact_id.external_identifier":null,"extra":{"a":[1,2.5e3,true,null]},` +
		`"membership_type_id:name":"Union\u0020Member","status_id:name":"Grace","join_date":"2020-01-31",` +
		`"start_date":"2020-01-31 00:00:00","end_date":null}],"count":1,"countFetched":1}`
	p := newMemberPage(2)
	if err := p.decode([]byte(body)); err != nil {
		t.Fatal(err)
	}
	want := []Membership{{ID: 7, ContactID: 9, DisplayName: `Zoë "Z" O/Brien`, Type: "Union Member",
		Status: "Grace", JoinDate: day(2020, 1, 31), StartDate: day(2020, 1, 31)}}
	if d := cmp.Diff(want, p.rows); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for name, bad := range map[string]string{
		"cut short":           transcriptAnswers()[1].body[:1500],
		"no values":           `{"count":0}`,
		"countFetched lies":   strings.Replace(transcriptAnswers()[1].body, `"countFetched":10`, `"countFetched":12`, 1),
		"impossible date":     strings.Replace(transcriptAnswers()[74].body, "2025-11-13", "2025-13-45", 1),
		"row without id":      `{"values":[{"contact_id":5}],"countFetched":1}`,
		"html":                `<html>`,
		"trailing garbage in": `{"values":[{"id":1,"contact_id":2} x],"countFetched":1}`,
	} {
		if err := p.decode([]byte(bad)); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func pageBody(ids []int64) string {
	var b strings.Builder
	b.WriteString(`{"values":[`)
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"contact_id":%d,"contact_id.display_name":"M %d","contact_id.email_primary.email":"m%d@example.org",`+
			`"contact_id.external_identifier":"X-%d","membership_type_id:name":"Union Member","status_id:name":"Current",`+
			`"join_date":"2024-01-01","start_date":"2026-01-01","end_date":"2027-01-01"}`, id, id+100, id, id, id)
	}
	fmt.Fprintf(&b, `],"entity":"Membership","action":"get","debug":null,"version":4,"count":%d,"countFetched":%d}`, len(ids), len(ids))
	return b.String()
}

func TestMembershipsPaging(t *testing.T) {
	rec := script(jsonAnswer(pageBody([]int64{3, 5, 8})), jsonAnswer(pageBody([]int64{9, 12, 20})),
		jsonAnswer(pageBody([]int64{21})), jsonAnswer(pageBody(nil)))
	c, _ := newTestClient(t, rec)
	var got []int64
	for m, err := range c.Memberships(context.Background(), MemberQuery{PageSize: 3, Types: []string{"Union Member"}}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m.ID)
	}
	if d := cmp.Diff([]int64{3, 5, 8, 9, 12, 20, 21}, got); d != "" {
		t.Errorf("ids (-want +got):\n%s", d)
	}
	reqs := rec.requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 3 pages and 1 end probe", len(reqs))
	}
	wantWhere := func(after int64) string {
		w := `"where":[["status_id.is_current_member","=",true],["membership_type_id:name","IN",["Union Member"]],` +
			`["contact_id.is_deleted","=",false],["contact_id.is_deceased","=",false]`
		if after > 0 {
			w += fmt.Sprintf(`,["id",">",%d]`, after)
		}
		return w + `]`
	}
	sel := `{"select":["id","contact_id","contact_id.display_name","contact_id.email_primary.email",` +
		`"contact_id.external_identifier","membership_type_id:name","status_id:name","join_date","start_date","end_date"],`
	for i, want := range []string{
		sel + wantWhere(0) + `,"orderBy":{"id":"ASC"},"limit":3}`,
		sel + wantWhere(8) + `,"orderBy":{"id":"ASC"},"limit":3}`,
		sel + wantWhere(20) + `,"orderBy":{"id":"ASC"},"limit":3}`,
		`{"select":["id"],` + wantWhere(21) + `,"orderBy":{"id":"ASC"},"limit":1}`,
	} {
		if reqs[i].params != want {
			t.Errorf("request %d params\n%s\nwant\n%s", i, reqs[i].params, want)
		}
	}
}

func TestMembershipsShortPageNotTheEnd(t *testing.T) {
	// The second page comes back short, but the probe finds a later row:
	// the pass must fail rather than end early.
	rec := script(jsonAnswer(pageBody([]int64{1, 2, 3})), jsonAnswer(pageBody([]int64{4})),
		jsonAnswer(`{"values":[{"id":9}],"countFetched":1}`))
	c, _ := newTestClient(t, rec)
	var got int
	var err error
	for _, e := range c.Memberships(context.Background(), MemberQuery{PageSize: 3}) {
		if e != nil {
			err = e
			break
		}
		got++
	}
	if err == nil || !strings.Contains(err.Error(), "membership 9 follows") {
		t.Fatalf("err = %v, want the incomplete page reported", err)
	}
	if got != 4 {
		t.Errorf("%d rows before the error, want 4", got)
	}
}

func TestMembershipsRefusesDisorder(t *testing.T) {
	rec := script(jsonAnswer(pageBody([]int64{5, 4, 6})))
	c, _ := newTestClient(t, rec)
	var err error
	for _, e := range c.Memberships(context.Background(), MemberQuery{PageSize: 3}) {
		if e != nil {
			err = e
		}
	}
	if err == nil || !strings.Contains(err.Error(), "ignored the id order") {
		t.Errorf("err = %v", err)
	}
}

func TestMembershipsErrorWrapsAPIError(t *testing.T) {
	rec := script(transcriptAnswers()[40])
	c, _ := newTestClient(t, rec)
	for _, err := range c.Memberships(context.Background(), MemberQuery{}) {
		if !errors.Is(err, KindPermission) || !strings.Contains(err.Error(), "access CiviMember") {
			t.Errorf("err = %v, want a permission error naming access CiviMember", err)
		}
	}
}

func TestCountCurrentMembersNeedsCountMatched(t *testing.T) {
	rec := script(jsonAnswer(transcriptAnswers()[4].body)) // count 30 but no countMatched
	c, _ := newTestClient(t, rec)
	if _, err := c.CountCurrentMembers(context.Background(), MemberQuery{}); err == nil {
		t.Error("a page's count was taken for a total")
	}
}
