package roster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"
)

// errRollUnavailable stands for the roll's load error inside pass.
var errRollUnavailable = errors.New("roster: the roll did not load")

// run does one sync: read, check, then apply. It fills rep as it learns.
func (s *Syncer) run(ctx context.Context, req Request, rep *Report) error {
	now := rep.Run.StartedAt
	mark := time.Now()
	step := func(name string) {
		rep.phases = append(rep.phases, zap.Duration(name, time.Since(mark)))
		mark = time.Now()
	}
	overrides, err := s.store.Overrides(ctx)
	if err != nil {
		rep.Run.Reason = ReasonStore
		return fmt.Errorf("roster: load overrides: %w", err)
	}
	active := map[int64]bool{}
	expired := map[int64]Override{}
	for _, o := range overrides {
		if o.Active(now) {
			active[o.ContactID] = true
		} else {
			expired[o.ContactID] = o
		}
	}
	stg, err := s.store.Stage(ctx, rep.Run.ID)
	if err != nil {
		rep.Run.Reason = ReasonStore
		return fmt.Errorf("roster: open the staging area: %w", err)
	}
	defer stg.Close()

	// The roll loads while the first pages arrive, unless this process still holds the
	// roll of its last run and nothing has changed the mirror since.
	ver, err := s.store.MirrorVersion(ctx)
	if err != nil {
		rep.Run.Reason = ReasonStore
		return fmt.Errorf("roster: read the mirror's version: %w", err)
	}
	rep.version = ver
	cached := s.takeCache(ver)
	ready := make(chan *roll, 1)
	var rollErr error
	var rollTook time.Duration
	go func() {
		t0 := time.Now()
		r := cached
		if r == nil {
			r, rollErr = loadRoll(ctx, s.store)
		}
		if r != nil {
			for id := range expired {
				r.forceStage(id) // its standing must be re-derived
			}
		}
		rollTook = time.Since(t0)
		ready <- r
	}()
	r, err := s.pass(ctx, ready, stg, rep)
	if errors.Is(err, errRollUnavailable) {
		rep.Run.Reason = ReasonStore
		return rollErr
	}
	if err != nil {
		return err
	}
	rep.roll, rep.cachedRoll = r, cached != nil
	rep.phases = append(rep.phases, zap.Duration("roll", rollTook), zap.Bool("roll_cached", cached != nil))
	step("read")

	// Cross-check with CiviCRM's own count, asked by the reader right after the last page,
	// while the staged roster is compared with the mirror.
	diff, diffErr := stg.Diff(ctx, now, s.opts.Examples)
	step("diff")
	c := <-rep.counted
	rep.phases = append(rep.phases, zap.Duration("count", c.took))
	if c.err != nil {
		return fmt.Errorf("roster: cross-check the count of current members: %w", c.err)
	}
	if diffErr != nil {
		rep.Run.Reason = ReasonStore
		return fmt.Errorf("roster: compare the staged roster with the mirror: %w", diffErr)
	}
	rep.Run.Expected = c.n
	rep.release = len(expired)

	var vanished []int64
	seen := 0
	for i, id := range r.ids {
		switch {
		case r.seen[i] > 0:
			seen++
		case r.good[i] && !active[id]:
			vanished = append(vanished, id)
		}
	}
	rep.Run.Added, rep.Run.Updated, rep.Run.Reactivated = diff.Added, diff.Updated, diff.Reactivated
	rep.Run.Lapsed = len(vanished)
	rep.Run.Contacts = seen + diff.Added
	rep.Run.Unchanged = seen - diff.Updated - diff.Reactivated
	rep.Changes = diff.Examples

	guard := s.guard(rep.Run, len(vanished), r.nGood)
	if req.DryRun {
		// Only the listed lapses need a reason; the guard is reported, not enforced.
		rep.GuardWouldTrip = guard
		lapses, err := s.lapses(ctx, vanished[:min(len(vanished), s.opts.Examples)], expired, rep.Run.ID)
		rep.addLapses(lapses)
		return err
	}
	if guard != nil && !req.Force {
		return guard
	}
	lapses, err := s.lapses(ctx, vanished, expired, rep.Run.ID)
	if err != nil {
		return err
	}
	rep.addLapses(lapses)
	release := make([]int64, 0, len(expired))
	for id := range expired {
		release = append(release, id)
	}
	slices.Sort(release)
	// A run that changes nothing writes nothing but its sync_runs row.
	if diff.Added+diff.Updated+diff.Reactivated+len(lapses)+len(release) > 0 {
		if err := stg.Apply(ctx, Plan{RunID: rep.Run.ID, At: now, Lapses: lapses, Release: release}); err != nil {
			rep.Run.Reason = ReasonStore
			return fmt.Errorf("roster: apply sync run %d: %w", rep.Run.ID, err)
		}
	}
	step("apply")
	rep.goodAfter = r.nGood - len(lapses) + diff.Added + diff.Reactivated
	return nil
}

// guard returns the guard a run trips, nil if none.
func (s *Syncer) guard(run Run, vanished, good int) *GuardError {
	switch {
	case run.Fetched == 0:
		return &GuardError{Reason: ReasonNoMembers, Detail: fmt.Sprintf(
			"CiviCRM returned no current members, which would lapse all %d members in good standing", good)}
	case !s.opts.CountTolerance.allows(run.Fetched, run.Expected):
		return &GuardError{Reason: ReasonCountMismatch, Detail: fmt.Sprintf(
			"read %d current memberships but CiviCRM counts %d, more than the tolerance (%d + %.1f%%) apart",
			run.Fetched, run.Expected, s.opts.CountTolerance.Absolute, s.opts.CountTolerance.Percent)}
	case good > 0 && float64(vanished)*100 > s.opts.MaxLapsePercent*float64(good):
		return &GuardError{Reason: ReasonTooManyLapses, Detail: fmt.Sprintf(
			"the run would lapse %d of %d members in good standing (%.1f%%), more than the %g%% allowed",
			vanished, good, float64(vanished)*100/float64(good), s.opts.MaxLapsePercent)}
	}
	return nil
}

// lapses asks CiviCRM why each vanished contact vanished, so the lapse says "trashed" or
// "merged into contact M" rather than only "not returned".
func (s *Syncer) lapses(ctx context.Context, vanished []int64, expired map[int64]Override, runID int64) ([]Lapse, error) {
	out := make([]Lapse, 0, len(vanished))
	for chunk := range slices.Chunk(vanished, 5000) {
		states, err := s.src.ContactStates(ctx, chunk)
		if err != nil {
			return nil, fmt.Errorf("roster: ask CiviCRM about %d contacts no longer returned (nothing was changed): %w", len(vanished), err)
		}
		for _, id := range chunk {
			st, ok := states[id]
			if !ok {
				st = ContactState{Exists: true}
			}
			reason := st.LapseReason(runID)
			if o, ok := expired[id]; ok {
				reason = "override expired (" + o.Reason + "); " + reason
			}
			out = append(out, Lapse{ContactID: id, Reason: reason, MergedInto: st.MergedInto})
		}
	}
	return out, nil
}
