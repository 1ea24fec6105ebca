package civicrm_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

// TestPostalAddressesAndEmailsOnHold reads what a letter needs from a generated union:
// names (non-ASCII among them), primary addresses by contact, and the held emails.
func TestPostalAddressesAndEmailsOnHold(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite(), civicrmtest.WithUnion(3000, 7))
	ctx := context.Background()

	// Contact 5 (transcript site) has no address until one is set.
	if err := srv.SetAddress(5, civicrmtest.Address{StreetAddress: "1 Mill Lane", Supplemental1: "Flat 2",
		City: "Bristol", PostalCode: "BS1 4DJ", Country: "GB"}); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for id := int64(5); id < 5+3000; id++ {
		ids = append(ids, id)
	}
	got, err := c.PostalAddresses(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	want5 := []string{"1 Mill Lane", "Flat 2", "Bristol", "BS1 4DJ", "United Kingdom"}
	if a := got[5]; a.Name != "Alice Member001" || !slices.Equal(a.Lines, want5) {
		t.Errorf("contact 5 = %+v, want Alice Member001 at %v", a, want5)
	}
	if _, ok := got[6]; ok {
		t.Errorf("contact 6 has no address in CiviCRM but got one")
	}
	nonASCII, missing := 0, 0
	for _, id := range ids[50:] {
		a, ok := got[id]
		_, fake := srv.AddressOf(id)
		if ok != fake {
			t.Fatalf("contact %d: address returned %v, fake has one %v", id, ok, fake)
		}
		if !ok {
			missing++
			continue
		}
		if len(a.Lines) < 4 || a.Lines[len(a.Lines)-1] != "United Kingdom" {
			t.Errorf("contact %d: lines %q, want street, town, postcode and country", id, a.Lines)
		}
		if utf8.RuneCountInString(a.Name) != len(a.Name) {
			nonASCII++
		}
	}
	if nonASCII < 100 || missing == 0 || missing > 150 {
		t.Errorf("%d names with non-ASCII letters, %d contacts without address: want a varied union, a few without", nonASCII, missing)
	}

	held, err := c.EmailsOnHold(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, id := range ids {
		if ct, ok := srv.Contact(id); ok && ct.EmailOnHold > 0 && ct.Email != "" && !ct.IsDeleted {
			want = append(want, id)
		}
	}
	if len(want) < 20 || !slices.Equal(held, want) {
		t.Errorf("emails on hold: got %d contacts, want %d (%v…)", len(held), len(want), want[:min(5, len(want))])
	}
	if ct, _ := srv.Contact(ids[100]); ct.Email != "" && strings.ContainsFunc(ct.Email, func(r rune) bool { return r > 127 || r == ' ' || r == '\'' }) {
		t.Errorf("generated email %q is not a plain address", ct.Email)
	}
}
