package outbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/outbox"
)

// An officer's tenure is queued under its election, once per distinct write, and supersedes
// only pending writes to the same CiviCRM record: a re-elected officer's new tenure and the
// end of their previous one are different records and must both reach CiviCRM.
func TestRelationshipKeysNameTheElectionAndScopeTheRecord(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tenure := outbox.Relationship{ContactA: 5, ContactB: 4, Type: "Officer of", Start: day(2025, 3, 1),
		End: day(2027, 2, 28), Description: "Treasurer"}
	first := outbox.SaveRelationship("wise-ra-2025", tenure)
	again := outbox.SaveRelationship("wise-ra-2025", tenure)
	if first.Key != again.Key || first.Scope != again.Scope || string(first.Payload) != string(again.Payload) {
		t.Errorf("the same tenure gives two items: %+v, %+v", first, again)
	}
	if !strings.HasPrefix(first.Key, outbox.WritebackKeyPrefix("wise-ra-2025")) {
		t.Errorf("key %q does not start with the election's write-back prefix", first.Key)
	}
	if err := first.Validate(); err != nil {
		t.Error(err)
	}
	found := false
	for _, p := range outbox.ElectionKeyPrefixes("wise-ra-2025") {
		found = found || strings.HasPrefix(first.Key, p)
	}
	if !found {
		t.Errorf("key %q is not counted among the election's items", first.Key)
	}
	if other := outbox.SaveRelationship("wise-ra-2027", tenure); other.Key == first.Key {
		t.Errorf("two elections share the key %q", other.Key)
	}

	longer := tenure
	longer.End = day(2028, 2, 29)
	if c := outbox.SaveRelationship("wise-ra-2025", longer); c.Key == first.Key || c.Scope != first.Scope {
		t.Errorf("changed dates of one record: key %q scope %q, want a new key and the same scope %q", c.Key, c.Scope, first.Scope)
	}
	earlier := tenure
	earlier.Start, earlier.End = day(2023, 3, 1), day(2025, 2, 28)
	if c := outbox.SaveRelationship("wise-ra-2025", earlier); c.Scope == first.Scope {
		t.Errorf("an earlier tenure has the new tenure's scope %q: queuing one would supersede the other", c.Scope)
	}
	byID := outbox.Relationship{ID: 2, ContactA: 5, ContactB: 4, Type: "Officer of", Start: day(2023, 3, 1),
		End: day(2025, 2, 28), Inactive: true, Description: "Treasurer"}
	if c := outbox.SaveRelationship("wise-ra-2025", byID); c.Scope == first.Scope || !strings.HasSuffix(c.Scope, ":id:2") {
		t.Errorf("ending relationship 2 has scope %q", c.Scope)
	}
}
