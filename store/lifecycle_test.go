package store_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
)

func (env *rollEnv) state() election.State {
	env.t.Helper()
	e, err := env.db.GetElection(env.ctx, rollSlug)
	if err != nil {
		env.t.Fatal(err)
	}
	return e.State
}

// advances lists the election's recorded steps as "actor from→to".
func (env *rollEnv) advances() []string {
	env.t.Helper()
	rows, err := env.db.SQL().QueryContext(env.ctx, `SELECT actor, JSON_VALUE(details, '$.from'), JSON_VALUE(details, '$.to')
		FROM audit_log WHERE action = ? ORDER BY id`, store.ActionElectionAdvanced)
	if err != nil {
		env.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var actor, from, to string
		if err := rows.Scan(&actor, &from, &to); err != nil {
			env.t.Fatal(err)
		}
		out = append(out, actor+" "+from+"→"+to)
	}
	if err := rows.Err(); err != nil {
		env.t.Fatal(err)
	}
	return out
}

func TestAdvanceDueCatchesUpAfterDowntime(t *testing.T) {
	env := newRollEnv(t, "")
	env.members(1, 4, true, applyNow)

	if done, err := env.db.AdvanceDue(env.ctx, testLinks, beforeNominations); err != nil || len(done) != 0 {
		t.Fatalf("before nominations: %v, %v; want nothing to do", done, err)
	}
	// The daemon was down from before nominations opened until voting was under way.
	done, err := env.db.AdvanceDue(env.ctx, testLinks, inVoting)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"scheduler draft→nominations_open",
		"scheduler nominations_open→nominations_closed",
		"scheduler nominations_closed→voting_open",
	}
	if got := env.advances(); !equal(got, want) {
		t.Errorf("steps recorded %v, want %v", got, want)
	}
	if len(done) != 3 || done[2].To != election.VotingOpen || env.state() != election.VotingOpen {
		t.Errorf("AdvanceDue made %v, election is %s; want three steps to voting open", done, env.state())
	}
	if n := env.count(`SELECT COUNT(*) FROM voters WHERE revoked_at IS NULL`); n != 4 {
		t.Errorf("%d links issued on the way, want 4", n)
	}
	if n := env.count(`SELECT COUNT(*) FROM positions WHERE fixed_seats IS NULL`); n != 0 {
		t.Errorf("%d positions without fixed seats after nominations closed", n)
	}
	if n := env.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'group_add' AND dedupe_key LIKE '%not_voted%'`); n != 4 {
		t.Errorf("%d members queued for the not-yet-voted group, want 4", n)
	}
	// A member who becomes eligible while voting is open joins both groups.
	env.members(5, 5, true, inVoting)
	if reps, err := env.db.ReconcileRolls(env.ctx, testLinks, inVoting); err != nil || len(reps) != 1 || reps[0].Issued != 1 {
		t.Errorf("reconcile in voting: %+v, %v; want contact 5 issued", reps, err)
	}
	if n := env.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'group_add' AND dedupe_key LIKE '%not_voted:5'`); n != 1 {
		t.Errorf("a member joining during voting was queued %d times for the not-yet-voted group, want 1", n)
	}

	// A second tick, and a tick later in the window: nothing more.
	for range 2 {
		if done, err := env.db.AdvanceDue(env.ctx, testLinks, inVoting); err != nil || len(done) != 0 {
			t.Errorf("second tick: %v, %v; want nothing", done, err)
		}
	}
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE action = ?`, store.ActionSeatsFixed); n != 1 {
		t.Errorf("seats fixed %d times, want once", n)
	}
	done, err = env.db.AdvanceDue(env.ctx, testLinks, afterVoting)
	if err != nil || len(done) != 1 || env.state() != election.VotingClosed {
		t.Errorf("after voting: %v, %v, state %s; want one step to voting closed", done, err, env.state())
	}
	if done, _ := env.db.AdvanceDue(env.ctx, testLinks, afterVoting.AddDate(1, 0, 0)); len(done) != 0 {
		t.Errorf("a year later the clock moved the election on: %v; results are published by the committee", done)
	}
}

func TestManualAdvanceRunsTheSameEntryEffects(t *testing.T) {
	env := newRollEnv(t, "")
	env.members(1, 3, true, applyNow)

	next, err := env.db.AdvanceElection(env.ctx, rollSlug, "committee opened early", testLinks, "cli", beforeNominations)
	if err != nil || next != election.NominationsOpen {
		t.Fatalf("advance: %s, %v", next, err)
	}
	if n := env.count(`SELECT COUNT(*) FROM voters`); n != 3 {
		t.Errorf("opening nominations by hand issued %d links, want 3", n)
	}
	if _, err := env.db.AdvanceElection(env.ctx, rollSlug, "closed early", testLinks, "cli", beforeNominations); err != nil {
		t.Fatal(err)
	}
	if n := env.count(`SELECT COUNT(*) FROM positions WHERE fixed_seats IS NULL`); n != 0 {
		t.Errorf("closing nominations by hand left %d positions without fixed seats", n)
	}
	// The scheduler then has nothing to redo.
	if done, err := env.db.AdvanceDue(env.ctx, testLinks, inNominations); err != nil || len(done) != 0 {
		t.Errorf("tick after the manual steps: %v, %v; the clock is behind the committee, nothing to do", done, err)
	}
	if got, want := env.advances(), []string{"cli draft→nominations_open", "cli nominations_open→nominations_closed"}; !equal(got, want) {
		t.Errorf("steps %v, want %v", got, want)
	}
	if _, err := env.db.AdvanceElection(env.ctx, rollSlug, "x", store.LinkConfig{}, "cli", beforeNominations); err == nil {
		t.Error("advance without a link configuration succeeded")
	}
	if _, err := env.db.AdvanceElection(env.ctx, rollSlug, "", testLinks, "cli", beforeNominations); !errors.Is(err, election.ErrInvalid) {
		t.Errorf("advance without a reason: %v", err)
	}
}

func TestConcurrentTicksMakeEachStepOnce(t *testing.T) {
	env := newRollEnv(t, "")
	env.members(1, 50, true, applyNow)
	var wg sync.WaitGroup
	made := make([][]store.Transition, 4)
	errs := make([]error, 4)
	for i := range made {
		wg.Go(func() { made[i], errs[i] = env.db.AdvanceDue(env.ctx, testLinks, inVoting) })
	}
	wg.Wait()
	total := 0
	for i := range made {
		if errs[i] != nil {
			t.Errorf("tick %d: %v", i, errs[i])
		}
		total += len(made[i])
	}
	if total != 3 || len(env.advances()) != 3 {
		t.Errorf("four concurrent ticks made %d steps and recorded %v; want each of the 3 once", total, env.advances())
	}
	if n := env.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'link'`); n != 50 {
		t.Errorf("%d link writes queued, want 50", n)
	}
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE action = ?`, store.ActionSeatsFixed); n != 1 {
		t.Errorf("seats fixed %d times, want once", n)
	}
}

func TestReconcileRollsFollowsTheRosterOfOpenElections(t *testing.T) {
	env := newRollEnv(t, "")
	env.members(1, 3, true, applyNow)
	if reps, err := env.db.ReconcileRolls(env.ctx, testLinks, beforeNominations); err != nil || len(reps) != 0 {
		t.Errorf("reconcile of a draft: %v, %v; drafts get links only by hand", reps, err)
	}
	if _, err := env.db.AdvanceDue(env.ctx, testLinks, inNominations); err != nil {
		t.Fatal(err)
	}
	env.members(4, 4, true, inNominations)
	env.standing(1, false)
	reps, err := env.db.ReconcileRolls(env.ctx, testLinks, inNominations)
	if err != nil || len(reps) != 1 || reps[0].Issued != 1 || reps[0].Revoked != 1 {
		t.Errorf("reconcile after a sync: %+v, %v; want contact 4 issued and contact 1 revoked", reps, err)
	}
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor = ?`, store.ActionLinksIssued, store.ActorScheduler); n != 3 {
		t.Errorf("%d links.issued entries by the scheduler, want 3 (nominations opening; the reconcile's revoke and issue, one per transaction)", n)
	}
}
