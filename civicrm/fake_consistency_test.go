package civicrm_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
)

// TestFakeDroppedRows: the fake leaves the first rows out of the second
// page, which comes back short. The client must not take that for the end
// of the roster (the sync would lapse everyone after it): its end probe
// finds later members and the pass fails.
func TestFakeDroppedRows(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithRoster(3000, 1))
	srv.AfterCall("Membership", "get", 1, func(s *civicrmtest.Server) {
		s.Inject(civicrmtest.DropRows(3).On("Membership", "get"))
	})
	_, rows, err := pass(t, c, civicrm.MemberQuery{PageSize: 500})
	if !errors.Is(err, civicrm.KindInconsistent) || !strings.Contains(err.Error(), "page was incomplete") {
		t.Fatalf("err = %v, want the incomplete page reported", err)
	}
	if rows != 997 {
		t.Errorf("%d rows before the error, want 500 + 497", rows)
	}
	// The same pass without the fault is complete.
	if _, _, err := pass(t, c, civicrm.MemberQuery{PageSize: 500}); err != nil {
		t.Errorf("clean pass: %v", err)
	}
}

// TestFakeStatusChangesBetweenPages documents what one pass can and
// cannot see when memberships change while it runs: each page is its own
// transaction.
func TestFakeStatusChangesBetweenPages(t *testing.T) {
	c, srv, _ := newFake(t, civicrmtest.AdminKey, nil, civicrmtest.WithTranscriptSite())
	// Pages of 10 over memberships 1–30 (current). After the first page:
	// membership 3 (already read) lapses, membership 25 (not yet read)
	// lapses, and membership 35 (Expired, id beyond the pass) renews.
	srv.AfterCall("Membership", "get", 1, func(s *civicrmtest.Server) {
		for id, st := range map[int64]string{3: "Expired", 25: "Expired", 35: "Current"} {
			if err := s.SetMembershipStatus(id, st); err != nil {
				t.Error(err)
			}
		}
	})
	var ids []int64
	for m, err := range c.Memberships(context.Background(), civicrm.MemberQuery{PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	has := func(id int64) bool {
		for _, x := range ids {
			if x == id {
				return true
			}
		}
		return false
	}
	if !has(3) {
		t.Error("membership 3 was read before it lapsed and must be in the pass")
	}
	if has(25) {
		t.Error("membership 25 lapsed before its page was read and must not be in the pass")
	}
	if !has(35) {
		t.Error("membership 35 renewed before the pass reached its id and must be in the pass")
	}
	// The pass saw 30 rows; the site now has 29 current memberships. The
	// roster sync's row_count cross-check is what notices such drift.
	total, err := c.CountCurrentMembers(context.Background(), civicrm.MemberQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 30 || total != 29 {
		t.Errorf("pass %d rows, row_count %d; want 30 and 29", len(ids), total)
	}
}
