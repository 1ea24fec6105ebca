package civicrmtest_test

import (
	"strings"
	"testing"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

// TestRelationshipSaveDuplicateBeforeContactTypes follows
// CRM_Contact_BAO_Relationship::create: the duplicate check (active, same
// type, the two contacts either way round, and any start or end date the
// record sends, null meaning none) runs before the contact-type check. So
// the organisation as contact A of an existing pair is reported as a
// duplicate inside a 200 (33), while the same pair with other dates, or a
// fresh pair, is "Invalid Relationship" (34). Neither creates anything.
func TestRelationshipSaveDuplicateBeforeContactTypes(t *testing.T) {
	const match = `],"match":["contact_id_a","contact_id_b","relationship_type_id"]}`
	tests := []struct {
		name, record string
		status       int
		body         string
	}{
		{"reverse pair, no dates (33)", `{"contact_id_a":4,"contact_id_b":7,"relationship_type_id":11}`,
			200, `{"values":[{"duplicate_id":1,"error_code":"duplicate","id":1}],`},
		{"reverse pair, same dates", `{"contact_id_a":4,"contact_id_b":7,"relationship_type_id":11,"start_date":"2026-01-01","end_date":"2026-12-31"}`,
			200, `{"values":[{"duplicate_id":1,"error_code":"duplicate","id":1}],`},
		{"reverse pair, same start, end not sent", `{"contact_id_a":4,"contact_id_b":7,"relationship_type_id":11,"start_date":"2026-01-01"}`,
			200, `{"values":[{"duplicate_id":1,`},
		{"reverse pair, other start date", `{"contact_id_a":4,"contact_id_b":7,"relationship_type_id":11,"start_date":"2026-03-01"}`,
			500, `"error_message":"Invalid Relationship"`},
		{"reverse pair, end null but the pair has one", `{"contact_id_a":4,"contact_id_b":7,"relationship_type_id":11,"start_date":"2026-01-01","end_date":null}`,
			500, `"error_message":"Invalid Relationship"`},
		{"fresh pair, wrong contact types (34)", `{"contact_id_a":4,"contact_id_b":10,"relationship_type_id":11,"start_date":"2026-01-01"}`,
			500, `"error_message":"Invalid Relationship"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), fixedClock())
			doCall(t, s, "Relationship", "save", `{"records":[{"contact_id_a":7,"contact_id_b":4,"relationship_type_id":11,"start_date":"2026-01-01","end_date":"2026-12-31"}`+match).mustOK(t)
			a := doCall(t, s, "Relationship", "save", `{"records":[`+tt.record+match)
			if a.err != nil || a.status != tt.status || !strings.Contains(a.body, tt.body) {
				t.Errorf("got %d %.200s (%v); want %d with %s", a.status, a.body, a.err, tt.status, tt.body)
			}
			if n := len(s.Relationships()); n != 1 {
				t.Errorf("%d relationships after the refused save, want 1", n)
			}
		})
	}

	t.Run("an ended pair is no duplicate", func(t *testing.T) {
		s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), fixedClock())
		doCall(t, s, "Relationship", "save", `{"records":[{"contact_id_a":7,"contact_id_b":4,"relationship_type_id":11,"is_active":false}`+match).mustOK(t)
		a := doCall(t, s, "Relationship", "save", `{"records":[{"contact_id_a":4,"contact_id_b":7,"relationship_type_id":11}`+match)
		if a.status != 500 || !strings.Contains(a.body, `"error_message":"Invalid Relationship"`) {
			t.Errorf("got %d %.200s; want Invalid Relationship: only active relationships are duplicates", a.status, a.body)
		}
	})
}

// TestRelationshipSaveMatchOnStartDateKeepsTenures saves tenures as civivote does, matching
// on the pair, the type and the start date: the same tenure again updates it in place, a
// new tenure of the same officer is created beside the old one (their dates differ, so the
// duplicate check lets it through), and a record without one of the match fields is not
// matched at all but created (MatchParamTrait::matchExisting).
func TestRelationshipSaveMatchOnStartDateKeepsTenures(t *testing.T) {
	const match = `],"match":["contact_id_a","contact_id_b","relationship_type_id","start_date"]}`
	s := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), fixedClock())
	first := `{"contact_id_a":7,"contact_id_b":4,"relationship_type_id:name":"Officer of","start_date":"2023-03-01","end_date":"2025-02-28","description":"Treasurer"}`
	doCall(t, s, "Relationship", "save", `{"records":[`+first+match).mustOK(t)
	a := doCall(t, s, "Relationship", "save", `{"records":[`+first+match)
	if a.status != 200 || !strings.Contains(a.body, `"countMatched":1`) {
		t.Errorf("the same tenure again: %d %.300s, want an update (countMatched 1)", a.status, a.body)
	}
	second := `{"contact_id_a":7,"contact_id_b":4,"relationship_type_id:name":"Officer of","start_date":"2025-03-01","end_date":"2027-02-28","description":"Treasurer"}`
	a = doCall(t, s, "Relationship", "save", `{"records":[`+second+match)
	if a.status != 200 || !strings.Contains(a.body, `"countMatched":0`) {
		t.Errorf("the next tenure: %d %.300s, want a create (countMatched 0)", a.status, a.body)
	}
	rels := s.Relationships()
	if len(rels) != 2 || rels[0].StartDate != "2023-03-01" || rels[0].EndDate != "2025-02-28" ||
		rels[1].StartDate != "2025-03-01" || rels[1].EndDate != "2027-02-28" {
		t.Fatalf("stored %+v, want both tenures with their own dates", rels)
	}
	doCall(t, s, "Relationship", "save", `{"records":[{"contact_id_a":7,"contact_id_b":4,"relationship_type_id":11,"end_date":"2026-12-31"}`+match).mustOK(t)
	if n := len(s.Relationships()); n != 3 {
		t.Errorf("%d relationships after a save without start_date, want 3: it matches nothing and creates", n)
	}
}
