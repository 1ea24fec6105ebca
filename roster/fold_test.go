package roster_test

import (
	"context"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/roster"
)

// memberRow is what the mirror holds about one contact's memberships.
type memberRow struct {
	membershipID int64
	count        int
	status       string
	good         bool
}

func (e *env) row(t *testing.T, contactID int64) memberRow {
	t.Helper()
	var r memberRow
	if err := e.db.SQL().QueryRow(`SELECT membership_id, membership_count, membership_status, in_good_standing
		FROM members WHERE contact_id = ?`, contactID).Scan(&r.membershipID, &r.count, &r.status, &r.good); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestContactsWithSeveralMembershipsFollowEveryChange(t *testing.T) {
	e := newEnv(t, 0)
	for range 30 { // a roll large enough that one lapse stays under the guard
		e.addMember(t, "Other", "", "Current", day.AddDate(0, 6, 0))
	}
	a, a1 := e.addMember(t, "Alma", "alma@example.org", "Current", day.AddDate(0, 6, 0))
	a2, err := e.srv.AddMembership(civicrmtest.Membership{ContactID: a, Status: "Current", Type: "Retired",
		JoinDate: "2020-01-01", StartDate: "2026-01-01", EndDate: day.AddDate(1, 0, 0).Format(time.DateOnly)})
	must(t, err)
	b, b1 := e.addMember(t, "Bert", "bert@example.org", "Current", day.AddDate(0, 6, 0))

	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	if got := e.row(t, a); got != (memberRow{a2, 2, "Current", true}) {
		t.Fatalf("Alma after the first run: %+v", got)
	}

	steps := []struct {
		name    string
		change  func()
		updated int
		contact int64
		want    memberRow
	}{
		{"nothing changes", func() {}, 0, a, memberRow{a2, 2, "Current", true}},
		{"the shorter membership changes status", func() { must(t, e.srv.SetMembershipStatus(a1, "Grace")) },
			1, a, memberRow{a2, 2, "Current", true}},
		{"the longer membership ends", func() { must(t, e.srv.SetMembershipStatus(a2, "Expired")) },
			1, a, memberRow{a1, 1, "Grace", true}},
		// Membership ids are sequential: Bert's second is b1+1.
		{"a second membership after an unchanged first", func() {
			_, err := e.srv.AddMembership(civicrmtest.Membership{ContactID: b, Status: "New",
				JoinDate: "2026-11-01", StartDate: "2026-11-01", EndDate: day.AddDate(2, 0, 0).Format(time.DateOnly)})
			must(t, err)
		}, 1, b, memberRow{b1 + 1, 2, "New", true}},
		{"nothing changes again", func() {}, 0, b, memberRow{b1 + 1, 2, "New", true}},
	}
	for _, s := range steps {
		s.change()
		rep := e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
		if rep.Updated != s.updated || rep.Added+rep.Lapsed+rep.Reactivated != 0 {
			t.Errorf("%s: updated %d added %d lapsed %d, want %d updated only", s.name, rep.Updated, rep.Added, rep.Lapsed, s.updated)
		}
		if got := e.row(t, s.contact); got != s.want {
			t.Errorf("%s: contact %d is %+v, want %+v", s.name, s.contact, got, s.want)
		}
	}
}

// A daemon keeps the roll of an unchanged run; a sync by another process (the CLI) or an
// override in between must make it read the roll again.
func TestKeptRollNoticesChangesByOthers(t *testing.T) {
	e := newEnv(t, 0)
	for range 30 {
		e.addMember(t, "Other", "", "Current", day.AddDate(0, 6, 0))
	}
	x, xm := e.addMember(t, "Xena", "xena@example.org", "Current", day.AddDate(0, 6, 0))
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded) // keeps the roll

	cli := roster.New(roster.Options{Source: e.src, Store: e.db, Now: e.clock.now})
	must(t, e.srv.SetMembershipStatus(xm, "Expired"))
	if _, err := cli.Sync(context.Background(), roster.Request{Trigger: "cli"}); err != nil {
		t.Fatal(err)
	}
	must(t, e.srv.SetMembershipStatus(xm, "Current"))
	rep := e.sync(t, roster.Request{Trigger: "cron"}, roster.OutcomeSucceeded)
	if ok, _ := e.standing(t, x); !ok || rep.Reactivated != 1 {
		t.Fatalf("after another process lapsed Xena and she returned: in good standing %v, reactivated %d", ok, rep.Reactivated)
	}

	e.sync(t, roster.Request{Trigger: "cron"}, roster.OutcomeSucceeded) // keeps the roll again
	must(t, cli.Override(context.Background(), roster.Override{ContactID: x, Eligible: false, Reason: "dispute",
		Until: e.clock.now().Add(time.Hour), Actor: "committee"}))
	e.clock.advance(2 * time.Hour)
	rep = e.sync(t, roster.Request{Trigger: "cron"}, roster.OutcomeSucceeded)
	if ok, _ := e.standing(t, x); !ok || rep.Reactivated != 1 {
		t.Fatalf("after an override set elsewhere expired: in good standing %v, reactivated %d", ok, rep.Reactivated)
	}
}
