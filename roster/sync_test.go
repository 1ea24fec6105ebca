package roster_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/roster"
)

func TestFirstSyncMirrorsFoldedMembers(t *testing.T) {
	e := newEnv(t, 1000)
	want := e.current(t)
	rep := e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	if rep.Added != len(want) || rep.Contacts != len(want) || rep.Lapsed != 0 || rep.Updated != 0 {
		t.Fatalf("report added %d contacts %d lapsed %d updated %d, want %d added", rep.Added, rep.Contacts, rep.Lapsed, rep.Updated, len(want))
	}
	if got := e.count(t, `SELECT COUNT(*) FROM members WHERE in_good_standing`); got != len(want) {
		t.Fatalf("%d members in good standing, want %d", got, len(want))
	}
	folded := 0
	for id, w := range want {
		if w.Memberships < 2 {
			continue
		}
		folded++
		var mid int64
		var count int
		if err := e.db.SQL().QueryRow(`SELECT membership_id, membership_count FROM members WHERE contact_id = ?`, id).
			Scan(&mid, &count); err != nil {
			t.Fatal(err)
		}
		if mid != w.MembershipID || count != w.Memberships {
			t.Errorf("contact %d: membership %d of %d, want %d of %d", id, mid, count, w.MembershipID, w.Memberships)
		}
	}
	if folded == 0 {
		t.Fatal("the generated roster has no contact with several current memberships; the fold is untested")
	}
	if got := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'member.added'`); got != len(want) {
		t.Errorf("%d member.added audit entries, want %d", got, len(want))
	}
	noEmail := e.count(t, `SELECT COUNT(*) FROM members WHERE email IS NULL`)
	if noEmail == 0 || rep.WithoutEmail != noEmail {
		t.Errorf("report counts %d members without email, the table has %d (want > 0)", rep.WithoutEmail, noEmail)
	}
	runs, err := e.syncer.Runs(context.Background(), 5)
	if err != nil || len(runs) != 1 || runs[0].Outcome != roster.OutcomeSucceeded || runs[0].Added != len(want) {
		t.Fatalf("runs = %+v, %v", runs, err)
	}

	// An unchanged second run changes nothing at all.
	before := e.snapshot(t)
	rep = e.sync(t, roster.Request{Trigger: "cron"}, roster.OutcomeSucceeded)
	if rep.Added+rep.Updated+rep.Lapsed+rep.Reactivated != 0 || rep.Unchanged != len(want) {
		t.Fatalf("second run: %+v", rep.Run)
	}
	if after := e.snapshot(t); after != before {
		t.Fatalf("an unchanged run rewrote the mirror:\n%s\n%s", before, after)
	}
}

// failAt makes the page-th Membership.get from now, and its retries, fail.
func failAt(srv *civicrmtest.Server, page int) {
	if page == 1 {
		srv.Inject(civicrmtest.Status(500).On("Membership", "get").Times(10))
		return
	}
	srv.AfterCall("Membership", "get", page-1, func(s *civicrmtest.Server) {
		s.Inject(civicrmtest.Status(500).On("Membership", "get").Times(10))
	})
}

func TestFailureAtAnyPageChangesNothing(t *testing.T) {
	e := newEnv(t, 500) // about 430 current memberships: 5 pages and a probe
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	cur := e.current(t)
	// Changes a complete run would apply: a lapse, a new member, a changed status.
	for id := range cur {
		for _, m := range e.srv.MembershipsOf(id) {
			if err := e.srv.SetMembershipStatus(m.ID, "Expired"); err != nil {
				t.Fatal(err)
			}
		}
		break
	}
	e.addMember(t, "New", "new@example.org", "Current", day.AddDate(1, 0, 0))
	total := 0
	for _, m := range e.current(t) {
		total += m.Memberships
	}
	if total <= 400 || total >= 500 {
		t.Fatalf("%d current memberships: the pages below assume 401-499", total)
	}
	for page := 1; page <= 6; page++ {
		before := e.snapshot(t)
		failAt(e.srv, page)
		rep := e.sync(t, roster.Request{}, roster.OutcomeFailed)
		e.srv.ClearFaults()
		if after := e.snapshot(t); after != before {
			t.Fatalf("a failure at page %d changed the mirror", page)
		}
		if want := min((page-1)*100, total); rep.Fetched != want {
			t.Errorf("page %d: the run failed after %d memberships, want %d", page, rep.Fetched, want)
		}
		if !strings.Contains(rep.Error, "nothing was changed") {
			t.Errorf("page %d: error %q does not say nothing was changed", page, rep.Error)
		}
	}
	runs, _ := e.syncer.Runs(context.Background(), 10)
	if runs[0].Outcome != roster.OutcomeFailed || runs[0].Error == "" || runs[0].FinishedAt.IsZero() {
		t.Fatalf("the failed run is recorded as %+v", runs[0])
	}
	rep := e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	if rep.Added != 1 || rep.Lapsed != 1 {
		t.Fatalf("the complete run after the failures added %d and lapsed %d, want 1 and 1", rep.Added, rep.Lapsed)
	}
}

// expire makes every membership of the first n contacts (ascending id) not current and
// returns those contacts.
func expire(t *testing.T, e *env, n int) []int64 {
	t.Helper()
	var ids []int64
	for id := range e.current(t) {
		ids = append(ids, id)
	}
	slicesSort(ids)
	ids = ids[:n]
	for _, id := range ids {
		for _, m := range e.srv.MembershipsOf(id) {
			if err := e.srv.SetMembershipStatus(m.ID, "Expired"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids
}

func TestMassLapseTripsGuardAndForcePassesIt(t *testing.T) {
	e := newEnv(t, 500)
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	good := e.count(t, `SELECT COUNT(*) FROM members WHERE in_good_standing`)
	gone := expire(t, e, good/5) // 20% > 10%
	before := e.snapshot(t)
	rep, err := e.syncer.Sync(context.Background(), roster.Request{Trigger: "cron"})
	var guard *roster.GuardError
	if !errors.As(err, &guard) || guard.Reason != roster.ReasonTooManyLapses || rep.Outcome != roster.OutcomeGuardTripped {
		t.Fatalf("err = %v, outcome %s", err, rep.Outcome)
	}
	if e.snapshot(t) != before {
		t.Fatal("a tripped guard changed the mirror")
	}
	if got := counterValue(t, e.reg, "civivote_roster_guard_trips_total"); got != 1 {
		t.Errorf("guard trips metric = %v, want 1", got)
	}
	rep = e.sync(t, roster.Request{Force: true, Actor: "alice"}, roster.OutcomeSucceeded)
	if rep.Lapsed != len(gone) {
		t.Fatalf("forced run lapsed %d, want %d", rep.Lapsed, len(gone))
	}
	if ok, reason := e.standing(t, gone[0]); ok || !strings.HasPrefix(reason, "not returned by sync run") {
		t.Fatalf("contact %d: good %v, reason %q", gone[0], ok, reason)
	}
}

func TestNoMembersTripsGuard(t *testing.T) {
	e := newEnv(t, 200)
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	expire(t, e, len(e.current(t)))
	before := e.snapshot(t)
	rep := e.sync(t, roster.Request{}, roster.OutcomeGuardTripped)
	if rep.Reason != roster.ReasonNoMembers || e.snapshot(t) != before {
		t.Fatalf("reason %s; mirror changed: %v", rep.Reason, e.snapshot(t) != before)
	}
}

// skewedCount is CiviCRM answering a count that disagrees with its pages.
type skewedCount struct {
	roster.Source
	by int
}

func (s skewedCount) CountCurrent(ctx context.Context) (int, error) {
	n, err := s.Source.CountCurrent(ctx)
	return n + s.by, err
}

func TestCountMismatchIsRefused(t *testing.T) {
	e := newEnv(t, 300, withSource(func(s roster.Source) roster.Source { return skewedCount{s, 50} }))
	rep := e.sync(t, roster.Request{}, roster.OutcomeGuardTripped)
	if rep.Reason != roster.ReasonCountMismatch || e.count(t, `SELECT COUNT(*) FROM members`) != 0 {
		t.Fatalf("reason %s, %d members written", rep.Reason, e.count(t, `SELECT COUNT(*) FROM members`))
	}
	e2 := newEnv(t, 300, withSource(func(s roster.Source) roster.Source { return skewedCount{s, 3} }))
	e2.sync(t, roster.Request{}, roster.OutcomeSucceeded) // within the tolerance
}

func TestStatusChangesBetweenPagesLoseNobody(t *testing.T) {
	e := newEnv(t, 500)
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	cur := e.current(t)
	var mids []int64 // current membership ids of single-membership contacts, ascending
	owner := map[int64]int64{}
	for id, m := range cur {
		if m.Memberships == 1 {
			mids = append(mids, m.MembershipID)
			owner[m.MembershipID] = id
		}
	}
	slicesSort(mids)
	early, late := mids[10], mids[len(mids)-10] // read on page 1 / on the last page
	e.srv.AfterCall("Membership", "get", 2, func(s *civicrmtest.Server) {
		_ = s.SetMembershipStatus(early, "Expired")
		_ = s.SetMembershipStatus(late, "Expired")
	})
	rep := e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	if rep.Lapsed != 1 {
		t.Fatalf("lapsed %d, want only the member expired ahead of the pass", rep.Lapsed)
	}
	if ok, _ := e.standing(t, owner[late]); ok {
		t.Error("the member expired ahead of the pass is still in good standing")
	}
	if ok, _ := e.standing(t, owner[early]); !ok {
		t.Error("the member expired behind the pass lapsed before a complete run missed it")
	}
	if got := e.count(t, `SELECT COUNT(*) FROM members WHERE in_good_standing`); got != len(cur)-1 {
		t.Fatalf("%d in good standing, want %d", got, len(cur)-1)
	}
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	if ok, _ := e.standing(t, owner[early]); ok {
		t.Error("the next complete run did not lapse the member expired behind the first pass")
	}
}

func TestVanishedContactsLapseWithTheirReason(t *testing.T) {
	e := newEnv(t, 0)
	end := day.AddDate(0, 6, 0)
	ids := map[string]int64{}
	for _, name := range []string{"Trashed", "Dead", "Gone", "Keep", "Dup", "Stays"} {
		ids[name], _ = e.addMember(t, name, strings.ToLower(name)+"@example.org", "Current", end)
	}
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	must(t, e.srv.TrashContact(ids["Trashed"]))
	must(t, e.srv.MarkDeceased(ids["Dead"]))
	for _, m := range e.srv.MembershipsOf(ids["Gone"]) {
		must(t, e.srv.SetMembershipStatus(m.ID, "Cancelled"))
	}
	// The fake answers Contact.getMergedTo from this merge, as a real site does from its
	// "Contact Deleted by Merge" activity.
	must(t, e.srv.MergeContacts(ids["Keep"], ids["Dup"]))
	rep := e.sync(t, roster.Request{Force: true}, roster.OutcomeSucceeded)
	if rep.Lapsed != 4 {
		t.Fatalf("lapsed %d, want 4", rep.Lapsed)
	}
	for name, want := range map[string]string{
		"Trashed": "trashed in CiviCRM", "Dead": "deceased in CiviCRM",
		"Gone": "not returned by sync run 2",
	} {
		if ok, reason := e.standing(t, ids[name]); ok || reason != want {
			t.Errorf("%s: good %v, reason %q, want %q", name, ok, reason, want)
		}
	}
	want := "merged into contact " + strconv.FormatInt(ids["Keep"], 10)
	if ok, reason := e.standing(t, ids["Dup"]); ok || reason != want {
		t.Errorf("merged-away contact: good %v, reason %q, want %q", ok, reason, want)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE contact_id = ? AND action = 'member.lapsed'
		AND JSON_EXTRACT(details, '$.merged_into') = ?`, ids["Dup"], ids["Keep"]); n != 1 {
		t.Errorf("%d lapse audit entries name the merge, want 1", n)
	}
	if ok, _ := e.standing(t, ids["Keep"]); !ok {
		t.Error("the surviving contact of a merge lost its standing")
	}
	if n := e.count(t, `SELECT membership_count FROM members WHERE contact_id = ?`, ids["Keep"]); n != 2 {
		t.Errorf("surviving contact holds %d memberships, want 2", n)
	}
	st, err := e.syncer.Lookup(context.Background(), ids["Gone"])
	if err != nil || st.Eligible || len(st.History) != 2 || st.History[0].Action != roster.ActionLapsed ||
		st.History[0].Reason != "not returned by sync run 2" || !strings.Contains(st.Why, "not returned by sync run 2") {
		t.Fatalf("lookup = %+v, %v", st, err)
	}
}

func TestReturningMemberIsReactivated(t *testing.T) {
	e := newEnv(t, 0)
	cid, mid := e.addMember(t, "Back", "back@example.org", "Current", day.AddDate(0, 6, 0))
	e.addMember(t, "Other", "", "Current", time.Time{})
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	must(t, e.srv.SetMembershipStatus(mid, "Expired"))
	e.sync(t, roster.Request{Force: true}, roster.OutcomeSucceeded)
	must(t, e.srv.SetMembershipStatus(mid, "Current"))
	rep := e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	if rep.Reactivated != 1 || rep.Added != 0 {
		t.Fatalf("reactivated %d added %d", rep.Reactivated, rep.Added)
	}
	if ok, reason := e.standing(t, cid); !ok || reason != "" {
		t.Fatalf("good %v reason %q", ok, reason)
	}
	st, err := e.syncer.Lookup(context.Background(), cid)
	if err != nil || !st.Eligible || len(st.History) != 3 || st.History[0].Action != roster.ActionReactivated {
		t.Fatalf("lookup = %+v, %v", st, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
