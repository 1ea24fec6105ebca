package outbox

import (
	"encoding/json"
	"testing"
)

// A member who lapses and returns is removed from and added to the election's group again:
// each round needs a key of its own, or the outbox would skip the second add as a duplicate.
func TestMembershipRoundsHaveTheirOwnKeysAndOneScope(t *testing.T) {
	g := Group{Name: "civivote_e", Title: "E"}
	first := AddToGroup(Membership{Group: g, ContactID: 7})
	again := AddToGroup(Membership{Group: g, ContactID: 7, Round: 1})
	remove := RemoveFromGroup(Membership{Group: g, ContactID: 7, Round: 1})
	if first.Key == again.Key {
		t.Errorf("add of round 1 has the key of the first add: %q", again.Key)
	}
	if first.Key != "group-add:civivote_e:7" {
		t.Errorf("first add's key changed to %q; keys already queued would be queued again", first.Key)
	}
	if first.Scope != again.Scope || again.Scope != remove.Scope {
		t.Errorf("scopes %q, %q, %q differ: a later round would not supersede an earlier pending one", first.Scope, again.Scope, remove.Scope)
	}
	var m Membership
	if err := json.Unmarshal(again.Payload, &m); err != nil || m != (Membership{Group: g, ContactID: 7}) {
		t.Errorf("payload %s decodes to %+v, %v; the round must not reach CiviCRM", again.Payload, m, err)
	}
}
