package roster

import (
	"context"
	"fmt"
	"slices"
)

// run does one sync: read, check, then apply. It fills rep as it learns.
func (s *Syncer) run(ctx context.Context, req Request, rep *Report) error {
	now := rep.Run.StartedAt
	r, err := loadRoll(ctx, s.store)
	if err != nil {
		rep.Run.Reason = ReasonStore
		return err
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
			r.forceStage(o.ContactID)
		}
	}
	stg, err := s.store.Stage(ctx, rep.Run.ID)
	if err != nil {
		rep.Run.Reason = ReasonStore
		return fmt.Errorf("roster: open the staging area: %w", err)
	}
	defer stg.Close()

	if err := s.pass(ctx, r, stg, rep); err != nil {
		return err
	}

	// Cross-check: CiviCRM's own count, asked after the last page.
	expected, err := s.src.CountCurrent(ctx)
	if err != nil {
		return fmt.Errorf("roster: cross-check the count of current members: %w", err)
	}
	rep.Run.Expected = expected
	var guard *GuardError
	if !s.opts.CountTolerance.allows(rep.Run.Fetched, expected) {
		guard = &GuardError{Reason: ReasonCountMismatch, Detail: fmt.Sprintf(
			"read %d current memberships but CiviCRM counts %d, more than the tolerance (%d + %.1f%%) apart",
			rep.Run.Fetched, expected, s.opts.CountTolerance.Absolute, s.opts.CountTolerance.Percent)}
	}

	var vanished []int64
	for i, id := range r.ids {
		if r.good[i] && r.seen[i] == 0 && !active[id] {
			vanished = append(vanished, id)
		}
	}
	switch {
	case rep.Run.Fetched == 0:
		guard = &GuardError{Reason: ReasonNoMembers, Detail: fmt.Sprintf(
			"CiviCRM returned no current members, which would lapse all %d members in good standing", r.nGood)}
	case r.nGood > 0 && float64(len(vanished))*100 > s.opts.MaxLapsePercent*float64(r.nGood):
		guard = &GuardError{Reason: ReasonTooManyLapses, Detail: fmt.Sprintf(
			"the run would lapse %d of %d members in good standing (%.1f%%), more than the %.0f%% allowed",
			len(vanished), r.nGood, float64(len(vanished))*100/float64(r.nGood), s.opts.MaxLapsePercent)}
	}
	diff, err := stg.Diff(ctx, now, s.opts.Examples)
	if err != nil {
		rep.Run.Reason = ReasonStore
		return fmt.Errorf("roster: compare the staged roster with the mirror: %w", err)
	}
	rep.Run.Added, rep.Run.Updated, rep.Run.Reactivated = diff.Added, diff.Updated, diff.Reactivated
	rep.Run.Lapsed = len(vanished)
	rep.Changes = diff.Examples
	seenContacts := 0
	for _, n := range r.seen {
		if n > 0 {
			seenContacts++
		}
	}
	rep.Run.Contacts = seenContacts + diff.Added
	rep.Run.Unchanged = seenContacts - diff.Updated - diff.Reactivated
	if rep.Run.WithoutEmail, err = s.store.CountWithoutEmail(ctx); err != nil {
		rep.Run.Reason = ReasonStore
		return fmt.Errorf("roster: count members without email: %w", err)
	}
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
	if err := stg.Apply(ctx, Plan{RunID: rep.Run.ID, At: now, Lapses: lapses, Release: release}); err != nil {
		rep.Run.Reason = ReasonStore
		return fmt.Errorf("roster: apply sync run %d: %w", rep.Run.ID, err)
	}
	rep.goodAfter = r.nGood - len(lapses) + diff.Added + diff.Reactivated
	if rep.Run.WithoutEmail, err = s.store.CountWithoutEmail(ctx); err != nil {
		rep.Run.Reason = ReasonStore
		return fmt.Errorf("roster: count members without email: %w", err)
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
			return nil, fmt.Errorf("roster: ask CiviCRM about %d contacts no longer returned: %w", len(vanished), err)
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

// pass streams the roster into the staging area: the fetch and the writes overlap, one
// batch in flight, so memory stays bounded by two batches whatever the roster's size.
func (s *Syncer) pass(ctx context.Context, r *roll, stg Stage, rep *Report) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []Member, 1)
	done := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = stg.Put(ctx, b); err != nil {
					cancel()
				}
			}
		}
		done <- err
	}()
	staleBefore := rep.Run.StartedAt.Add(-s.opts.GracePeriod)
	var fold []int64
	batch := make([]Member, 0, s.opts.StageBatch)
	var passErr error
	for m, err := range s.src.Memberships(ctx) {
		if err != nil {
			passErr = err
			break
		}
		rep.Run.Fetched++
		if !m.EndDate.IsZero() && m.EndDate.Before(staleBefore) {
			rep.Run.Stale++
			if len(rep.StaleExamples) < s.opts.Examples {
				rep.StaleExamples = append(rep.StaleExamples, m)
			}
		}
		mem := MemberOf(m)
		if i := r.find(m.ContactID); i >= 0 {
			switch r.meet(i, mem.Hash) {
			case skip:
				continue
			case stageAndFold:
				fold = append(fold, m.ContactID)
			}
		}
		batch = append(batch, mem)
		if len(batch) == cap(batch) {
			batches <- batch
			batch = make([]Member, 0, s.opts.StageBatch)
		}
	}
	if passErr == nil && len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	putErr := <-done
	if size := s.src.PageSize(); size > 0 {
		rep.Run.Pages = rep.Run.Fetched/size + 1
	}
	switch {
	case putErr != nil:
		rep.Run.Reason = ReasonStore
		return fmt.Errorf("roster: stage members (nothing was changed): %w", putErr)
	case passErr != nil:
		return fmt.Errorf("roster: read the roster from CiviCRM after %d memberships (nothing was changed): %w",
			rep.Run.Fetched, passErr)
	}
	if len(fold) > 0 {
		if err := stg.FoldMirrored(ctx, fold); err != nil {
			rep.Run.Reason = ReasonStore
			return fmt.Errorf("roster: fold mirrored memberships: %w", err)
		}
	}
	return nil
}
