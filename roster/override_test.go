package roster_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/roster"
)

func TestOverridesBeatSyncsUntilTheyExpire(t *testing.T) {
	e := newEnv(t, 0)
	end := day.AddDate(0, 6, 0)
	barred, _ := e.addMember(t, "Barred", "barred@example.org", "Current", end)
	_, leftMid := e.addMember(t, "Left", "left@example.org", "Current", end)
	for i := range 20 { // a roll large enough that one lapse stays under the guard
		e.addMember(t, "Other", "other"+string(rune('a'+i))+"@example.org", "Current", end)
	}
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	leftID := e.count(t, `SELECT contact_id FROM members WHERE display_name = 'Left Test'`)
	outsider := int64(999999) // never a member in CiviCRM

	ctx := context.Background()
	until := e.clock.now().Add(48 * time.Hour)
	for _, o := range []roster.Override{
		{ContactID: barred, Eligible: false, Reason: "dues dispute, committee minute 12", Until: until, Actor: "committee:jo"},
		{ContactID: int64(leftID), Eligible: true, Reason: "paid in cash, CiviCRM not updated", Until: until, Actor: "committee:jo"},
		{ContactID: outsider, Eligible: true, Reason: "honorary member", Until: until, Actor: "committee:jo"},
	} {
		must(t, e.syncer.Override(ctx, o))
	}
	if err := e.syncer.Override(ctx, roster.Override{ContactID: barred, Reason: "", Until: until, Actor: "x"}); err == nil {
		t.Error("an override without a reason was accepted")
	}
	must(t, e.srv.SetMembershipStatus(leftMid, "Expired"))

	// While the overrides are in force, syncs leave the standing alone.
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	for id, want := range map[int64]bool{barred: false, int64(leftID): true, outsider: true} {
		if ok, _ := e.standing(t, id); ok != want {
			t.Errorf("contact %d in good standing = %v during its override, want %v", id, ok, want)
		}
	}
	st, err := e.syncer.Lookup(ctx, barred)
	if err != nil || st.Eligible || st.Override == nil || !strings.Contains(st.Why, "dues dispute") {
		t.Fatalf("lookup during the override = %+v, %v", st, err)
	}

	// Once they expire, the next sync takes the standing from CiviCRM again.
	e.clock.advance(72 * time.Hour)
	rep := e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	if rep.Reactivated != 1 || rep.Lapsed != 2 {
		t.Fatalf("after expiry: reactivated %d lapsed %d, want 1 and 2", rep.Reactivated, rep.Lapsed)
	}
	for id, want := range map[int64]bool{barred: true, int64(leftID): false, outsider: false} {
		if ok, _ := e.standing(t, id); ok != want {
			t.Errorf("contact %d in good standing = %v after its override expired, want %v", id, ok, want)
		}
	}
	if _, reason := e.standing(t, int64(leftID)); !strings.HasPrefix(reason, "override expired (paid in cash") {
		t.Errorf("lapse reason %q does not name the expired override", reason)
	}
	if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, roster.ActionOverrideExpired); n != 3 {
		t.Errorf("%d override_expired audit entries, want 3", n)
	}
	st, err = e.syncer.Lookup(ctx, barred)
	if err != nil || !st.Eligible || st.Override != nil || !strings.Contains(st.Why, "in good standing since") {
		t.Fatalf("lookup after expiry = %+v, %v", st, err)
	}
	var actions []string
	for _, ev := range st.History {
		actions = append(actions, ev.Action)
	}
	if got := strings.Join(actions, " "); got != "member.override_expired member.reactivated member.override member.added" &&
		got != "member.reactivated member.override_expired member.override member.added" {
		t.Errorf("history = %s", got)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	e := newEnv(t, 300)
	e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	gone := expire(t, e, 2)
	e.addMember(t, "Newcomer", "new@example.org", "Current", day.AddDate(1, 0, 0))
	var changed int64
	for id, m := range e.current(t) {
		if m.Memberships == 1 {
			must(t, e.srv.AddEmail(id, "changed@example.org", true))
			changed = id
			break
		}
	}
	before := e.snapshot(t)
	rep := e.sync(t, roster.Request{DryRun: true}, roster.OutcomeDryRun)
	if e.snapshot(t) != before {
		t.Fatal("a dry run changed the mirror or the audit log")
	}
	if rep.Added != 1 || rep.Updated != 1 || rep.Lapsed != len(gone) {
		t.Fatalf("dry run counts: added %d updated %d lapsed %d", rep.Added, rep.Updated, rep.Lapsed)
	}
	kinds := map[roster.ChangeKind][]roster.Change{}
	for _, c := range rep.Changes {
		kinds[c.Kind] = append(kinds[c.Kind], c)
	}
	if c := kinds[roster.ChangeUpdate]; len(c) != 1 || c[0].ContactID != changed || c[0].Reason != "changed: email" {
		t.Errorf("updates listed: %+v", c)
	}
	if c := kinds[roster.ChangeLapse]; len(c) != 2 || !strings.HasPrefix(c[0].Reason, "not returned by sync run") {
		t.Errorf("lapses listed: %+v", c)
	}
	var out bytes.Buffer
	must(t, rep.WriteText(&out))
	for _, want := range []string{"dry_run", "added", "changed: email", "new member: Current", "not returned by sync run"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report text lacks %q:\n%s", want, out.String())
		}
	}
	runs, _ := e.syncer.Runs(context.Background(), 1)
	if runs[0].Outcome != roster.OutcomeDryRun || !runs[0].DryRun {
		t.Errorf("the dry run is recorded as %+v", runs[0])
	}
}

func TestStaleMembershipsAreReported(t *testing.T) {
	e := newEnv(t, 0)
	e.addMember(t, "Fresh", "fresh@example.org", "Current", day.AddDate(0, 3, 0))
	e.addMember(t, "Grace", "grace@example.org", "Grace", day.AddDate(0, 0, -10))
	_, stale := e.addMember(t, "Stale", "stale@example.org", "Current", day.AddDate(0, -3, 0))
	rep := e.sync(t, roster.Request{}, roster.OutcomeSucceeded)
	if rep.Stale != 1 || len(rep.StaleExamples) != 1 || rep.StaleExamples[0].ID != stale {
		t.Fatalf("stale %d %+v, want membership %d alone", rep.Stale, rep.StaleExamples, stale)
	}
	if got := counterValue(t, e.reg, "civivote_roster_stale_memberships"); got != 1 {
		t.Errorf("stale metric = %v", got)
	}
	if ok, _ := e.standing(t, rep.StaleExamples[0].ContactID); !ok {
		t.Error("a stale membership cost the member their standing; it should only warn")
	}
}
