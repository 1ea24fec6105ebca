package civicrmtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

func TestWordPressPathAndGET(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	q := url.Values{"civiwp": {"CiviCRM"}, "q": {"civicrm/ajax/api4/Group/get"},
		"params": {`{"select":["id","name"],"where":[["name","=","union_voters"]]}`}}
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/?"+q.Encode(), nil)
	req.Header.Set("X-Civi-Auth", "Bearer "+civicrmtest.AdminKey)
	p := send(s, req).mustOK(t)
	if len(p.Values) != 1 || num(p.Values[0]["id"]) != 2 {
		t.Errorf("values %v, want group 2", p.Values)
	}
}

func TestAuthentication(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), civicrmtest.WithAdminKey("site-key-1"))
	tests := []struct {
		name, header, value string
		status              int
	}{
		{"X-Civi-Auth", "X-Civi-Auth", "Bearer site-key-1", 200},
		{"Authorization", "Authorization", "Bearer site-key-1", 200},
		{"replaced default key", "X-Civi-Auth", "Bearer " + civicrmtest.AdminKey, 401},
		{"Basic", "X-Civi-Auth", "Basic Zm9vOmJhcg==", 401},
		{"none", "X-Nothing", "x", 403},
		{"limited user lacks CiviMember", "X-Civi-Auth", "Bearer " + civicrmtest.LimitedKey, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, s.URL()+"/civicrm/ajax/api4/Membership/get",
				strings.NewReader(url.Values{"params": {`{"select":["id"],"limit":1}`}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(tt.header, tt.value)
			if a := send(s, req); a.status != tt.status {
				t.Errorf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
		})
	}
}

func TestLimitedUserSeesOnlyItself(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/civicrm/ajax/api4/Contact/get",
		strings.NewReader(url.Values{"params": {`{"select":["id"]}`}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Civi-Auth", "Bearer "+civicrmtest.LimitedKey)
	p := send(s, req).mustOK(t)
	if len(p.Values) != 1 || num(p.Values[0]["id"]) != 3 {
		t.Errorf("values %v, want only contact 3", p.Values)
	}
}

func TestQueries(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), fixedClock())
	tests := []struct {
		name, params string
		ids          []int64
	}{
		{"OR branch", `{"select":["id"],"where":[["OR",[["id","=",3],["id","=",40]]]],"orderBy":{"id":"ASC"}}`, []int64{3, 40}},
		{"NOT branch and NOT IN", `{"select":["id"],"where":[["NOT",[["id",">",2]]],["id","NOT IN",[1]]]}`, []int64{2}},
		{"LIKE on a join", `{"select":["id"],"where":[["contact_id.display_name","LIKE","%member01_"]],"orderBy":{"id":"DESC"},"limit":2}`, []int64{19, 18}},
		{"IS NULL", `{"select":["id"],"where":[["end_date","IS NULL"]]}`, nil},
		{"offset", `{"select":["id"],"orderBy":{"id":"ASC"},"limit":2,"offset":48}`, []int64{49, 50}},
		{"order by a join", `{"select":["id"],"where":[["id","<=",3]],"orderBy":{"contact_id.first_name":"DESC"}}`, []int64{3, 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := doCall(t, s, "Membership", "get", tt.params).mustOK(t)
			var got []int64
			for _, v := range p.Values {
				got = append(got, num(v["id"]))
			}
			if len(got) != len(tt.ids) {
				t.Fatalf("ids %v, want %v", got, tt.ids)
			}
			for i := range got {
				if got[i] != tt.ids[i] {
					t.Fatalf("ids %v, want %v", got, tt.ids)
				}
			}
		})
	}
}

func TestWritesAreRecorded(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), civicrmtest.WithClock(func() time.Time { return now }),
		civicrmtest.WithWriteCost("GroupContact", time.Microsecond), civicrmtest.WithWorkers(4))
	doCall(t, s, "GroupContact", "save", `{"match":["group_id","contact_id"],"defaults":{"group_id":2,"status":"Added"},"records":[{"contact_id":5},{"contact_id":6}]}`).mustOK(t)
	doCall(t, s, "GroupContact", "update", `{"where":[["group_id","=",2],["contact_id","IN",[6]]],"values":{"status":"Removed"}}`).mustOK(t)
	doCall(t, s, "Relationship", "save", `{"match":["contact_id_a","contact_id_b","relationship_type_id"],"records":[{"contact_id_a":9,"contact_id_b":4,"relationship_type_id:name":"Officer of","start_date":"2026-06-01","end_date":"2027-05-31","description":"Treasurer"}]}`).mustOK(t)
	if got := s.GroupMembers(2); got[5] != "Added" || got[6] != "Removed" || len(got) != 2 {
		t.Errorf("GroupMembers(2) = %v", got)
	}
	rels := s.Relationships()
	if len(rels) != 1 || rels[0].ContactIDA != 9 || rels[0].TypeID != 11 || rels[0].EndDate != "2027-05-31" {
		t.Errorf("Relationships = %+v", rels)
	}
	w := s.Writes()
	if len(w) != 3 || w[0].Entity != "GroupContact" || w[0].Action != "save" || w[0].Records[1]["group_id"] == nil ||
		w[1].Where == nil || w[2].Saved != 1 || !w[2].Time.Equal(now) {
		t.Errorf("Writes = %+v", w)
	}
}

func TestSameShapeFindsDifferences(t *testing.T) {
	base := `{"values":[{"id":1,"a":"x"}],"count":1,"error_message":"Sorry (Error ID: ab-cd)"}`
	for _, tt := range []struct {
		got  string
		same bool
	}{
		{`{"values":[{"id":9,"a":"y"}],"count":3,"error_message":"Sorry (Error ID: zz)"}`, true},
		{`{"values":[{"id":1}],"count":1,"error_message":"Sorry (Error ID: ab-cd)"}`, false},
		{`{"values":[{"id":1,"a":null}],"count":1,"error_message":"Sorry (Error ID: ab-cd)"}`, false},
		{`{"values":[],"count":1,"error_message":"Sorry (Error ID: ab-cd)"}`, false},
		{`{"values":[{"id":1,"a":"x"}],"count":1,"error_message":"Other"}`, false},
	} {
		if err := sameShape(base, tt.got); (err == nil) != tt.same {
			t.Errorf("sameShape(%s) = %v, want same=%v", tt.got, err, tt.same)
		}
	}
}
