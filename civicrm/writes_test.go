package civicrm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSaveRelationshipsDuplicate(t *testing.T) {
	rec := script(jsonAnswer(transcriptAnswers()[33].body))
	c, _ := newTestClient(t, rec)
	out, err := c.SaveRelationships(context.Background(), []Relationship{{ContactIDA: 4, ContactIDB: 7,
		Type: "Officer of", StartDate: day(2026, 1, 1)}})
	if !errors.Is(err, KindValidation) || !strings.Contains(err.Error(), "reverse direction") {
		t.Errorf("err = %v", err)
	}
	if len(out) != 1 || out[0].DuplicateOf != 1 {
		t.Errorf("out = %+v", out)
	}
}

func TestSaveRelationshipsParsesCompactDates(t *testing.T) {
	a := transcriptAnswers()
	for _, tc := range []struct {
		n          int
		start, end time.Time
		wantErr    string
	}{
		{27, day(2026, 1, 1), day(2026, 12, 31), ""},
		{30, day(2025, 5, 1), time.Time{}, ""}, // "NULL" end date
		{55, day(2026, 1, 1), time.Time{}, "stored the start date as 19700101"},
	} {
		rec := script(jsonAnswer(a[tc.n].body))
		c, _ := newTestClient(t, rec)
		out, err := c.SaveRelationships(context.Background(), []Relationship{{ContactIDA: 7, ContactIDB: 4,
			Type: "Officer of", StartDate: tc.start, EndDate: tc.end, Active: true}})
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("transcript %d: %v", tc.n, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("transcript %d: err = %v, want %q", tc.n, err, tc.wantErr)
		case err == nil && (len(out) != 1 || out[0].ID == 0):
			t.Errorf("transcript %d: out = %+v", tc.n, out)
		}
		if tc.n == 27 {
			want := `{"records":[{"contact_id_a":7,"contact_id_b":4,"description":"","end_date":"2026-12-31",` +
				`"is_active":true,"relationship_type_id:name":"Officer of","start_date":"2026-01-01"}],` +
				`"match":["contact_id_a","contact_id_b","relationship_type_id","start_date"]}`
			if got := rec.requests()[0].params; got != want {
				t.Errorf("params\n%s\nwant\n%s", got, want)
			}
		}
	}
}

func TestSaveLinksPartialBatch(t *testing.T) {
	a := transcriptAnswers()
	// 68: the batch fails on contact 999999 after saving contact 6; the
	// lookup finds 6 and 7; the batch without 999999 is saved again.
	rec := script(a[68], jsonAnswer(`{"values":[{"id":6},{"id":7}],"count":2,"countFetched":2}`),
		jsonAnswer(a[66].body))
	c, _ := newTestClient(t, rec)
	res, err := c.SaveLinks(context.Background(), "Union_Sync.voting_link", []ContactLink{
		{6, "https://vote.example.org/a"}, {999999, "https://vote.example.org/b"}, {7, "https://vote.example.org/c"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Saved != 2 || len(res.Missing) != 1 || res.Missing[0] != 999999 || res.Calls != 2 {
		t.Errorf("result = %+v", res)
	}
	reqs := rec.requests()
	if len(reqs) != 3 || !strings.Contains(reqs[1].params, `["id","IN",[6,999999,7]]`) ||
		strings.Contains(reqs[2].params, "999999") || !strings.Contains(reqs[2].params, `"id":7`) {
		t.Errorf("requests: %+v", reqs)
	}
	// If every contact exists, the client cannot tell which record failed.
	rec = script(a[68], jsonAnswer(`{"values":[{"id":6},{"id":999999},{"id":7}],"countFetched":3}`))
	c, _ = newTestClient(t, rec)
	_, err = c.SaveLinks(context.Background(), "Union_Sync.voting_link", []ContactLink{{6, "a"}, {999999, "b"}, {7, "c"}})
	if err == nil || !strings.Contains(err.Error(), "cannot tell which record") || !strings.Contains(err.Error(), "partly applied") {
		t.Errorf("err = %v", err)
	}
}

func TestWriteBatchBounds(t *testing.T) {
	c, _ := newTestClient(t, script(jsonAnswer(`{"values":[]}`)))
	if _, err := c.SaveLinks(context.Background(), "Union_Sync.voting_link", nil); err == nil {
		t.Error("empty batch accepted")
	}
	if _, err := c.AddToGroup(context.Background(), 2, make([]int64, MaxWriteBatch+1)); err == nil ||
		!strings.Contains(err.Error(), "time limit") {
		t.Errorf("oversized batch: %v", err)
	}
	if _, err := c.SaveLinks(context.Background(), "voting_link", []ContactLink{{5, "x"}}); err == nil {
		t.Error("a field without its custom group was accepted")
	}
}

func TestContactStatesMergedTo(t *testing.T) {
	get := jsonAnswer(`{"values":[{"id":8,"is_deleted":true,"is_deceased":false}],"countFetched":1}`)
	for merged, want := range map[string]int64{
		`{"values":[{"id":5}],"countFetched":1}`: 5,
		`{"values":[[]],"countFetched":1}`:       0,
		`{"values":[null],"countFetched":1}`:     0,
	} {
		rec := script(get, jsonAnswer(merged))
		c, _ := newTestClient(t, rec)
		st, err := c.ContactStates(context.Background(), []int64{8})
		if err != nil {
			t.Fatal(err)
		}
		if st[8].MergedInto != want || !st[8].Deleted {
			t.Errorf("%s: %+v, want merged into %d", merged, st[8], want)
		}
		if reqs := rec.requests(); len(reqs) != 2 || reqs[1].path != "/civicrm/ajax/api4/Contact/getMergedTo" ||
			reqs[1].params != `{"contactId":8}` {
			t.Errorf("requests: %+v", reqs)
		}
	}
}
