package civicrmtest_test

import (
	"strings"
	"testing"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

func TestGetMergedTo(t *testing.T) {
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	if err := s.MergeContacts(5, 8); err != nil {
		t.Fatal(err)
	}
	if err := s.MergeContacts(9, 5); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, params string
		status       int
		body         string // a prefix of the answer
	}{
		{"one hop: 8 went into 5, not on to 9", `{"contactId":8}`, 200, `{"values":[{"id":5}],"entity":"Contact","action":"getMergedTo",`},
		{"id as a string", `{"contactId":"8"}`, 200, `{"values":[{"id":5}],`},
		{"live merges", `{"contactId":8,"isTest":false}`, 200, `{"values":[{"id":5}],`},
		{"5 went into 9", `{"contactId":5}`, 200, `{"values":[{"id":9}],`},
		{"never merged", `{"contactId":6}`, 200, `{"values":[null],`},
		{"surviving contact", `{"contactId":9}`, 200, `{"values":[null],`},
		{"no such contact", `{"contactId":999999}`, 200, `{"values":[null],`},
		{"zero counts as given", `{"contactId":0}`, 200, `{"values":[null],`},
		{"test merges only", `{"contactId":8,"isTest":true}`, 200, `{"values":[null],`},
		{"missing contactId", `{}`, 500, `"error_message":"Parameter \"contactId\" is required."`},
		{"empty contactId", `{"contactId":""}`, 500, `"error_message":"Parameter \"contactId\" is required."`},
		{"contactId not an int", `{"contactId":"eight"}`, 500, `"error_message":"Parameter \"contactId\" is not of the correct type. Expecting int."`},
		{"isTest not a bool", `{"contactId":8,"isTest":"yes"}`, 500, `"error_message":"Parameter \"isTest\" is not of the correct type. Expecting bool."`},
		{"get's params are unknown", `{"contactId":8,"where":[]}`, 500, `"error_message":"Unknown api parameter: setWhere"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := doCall(t, s, "Contact", "getMergedTo", tt.params)
			if a.err != nil || a.status != tt.status || !strings.Contains(a.body, tt.body) {
				t.Errorf("got %d %.300s (%v); want %d with %s", a.status, a.body, a.err, tt.status, tt.body)
			}
			if tt.status == 200 && !strings.HasSuffix(a.body, `"count":1,"countFetched":1}`) {
				t.Errorf("answer ends %q, want count and countFetched 1", a.body[max(0, len(a.body)-40):])
			}
		})
	}
}
