package civicrm

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeMemberPage feeds arbitrary bytes to the page decoder: it must
// never panic, and when both it and encoding/json accept a page of plain
// rows, they must agree on the ids.
func FuzzDecodeMemberPage(f *testing.F) {
	for _, n := range []int{1, 4, 74} {
		f.Add([]byte(transcriptAnswers()[n].body))
	}
	f.Add([]byte(`{"values":[{"id":"7","contact_id":9,"contact_id.display_name":"A\u00e9\"","end_date":null}],"countFetched":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p := newMemberPage(4)
		if err := p.decode(body); err != nil {
			return
		}
		var env struct {
			Values []struct {
				ID json.Number `json:"id"`
			} `json:"values"`
		}
		if json.Unmarshal(body, &env) != nil {
			return // the fast decoder is lenient about what it skips
		}
		if len(env.Values) != len(p.rows) {
			t.Fatalf("decoder found %d rows, encoding/json %d", len(p.rows), len(env.Values))
		}
		for i, r := range p.rows {
			if r.ID <= 0 || r.ContactID <= 0 {
				t.Fatalf("row %d accepted without ids: %+v", i, r)
			}
			if env.Values[i].ID.String() != "" && env.Values[i].ID.String() != jsonInt(r.ID) {
				t.Fatalf("row %d id %d, encoding/json %s", i, r.ID, env.Values[i].ID)
			}
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
