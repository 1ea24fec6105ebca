package roster

import (
	"context"
	"fmt"
	"time"
)

// fetchAhead is how many pages the reader may get ahead of the sorter: it lets the first
// pages arrive while the roll is still loading, and bounds memory to a few pages.
const fetchAhead = 16

// fetched is one page of memberships, or the error that ended the pass.
type fetched struct {
	rows []Membership
	err  error
}

// count is CiviCRM's count of current memberships, for the cross-check.
type count struct {
	n    int
	err  error
	took time.Duration
}

// readAhead streams the source's memberships into page-sized slices on its own goroutine,
// then, when the pass is complete, asks for CiviCRM's count on counted.
func (s *Syncer) readAhead(ctx, countCtx context.Context, counted chan<- count) <-chan fetched {
	out := make(chan fetched, fetchAhead)
	size := max(s.src.PageSize(), 100)
	go func() {
		defer close(out)
		page := make([]Membership, 0, size)
		send := func(f fetched) bool {
			select {
			case out <- f:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for m, err := range s.src.Memberships(ctx) {
			if err != nil {
				if len(page) == 0 || send(fetched{rows: page}) {
					send(fetched{err: err})
				}
				return
			}
			page = append(page, m)
			if len(page) == size {
				if !send(fetched{rows: page}) {
					return
				}
				page = make([]Membership, 0, size)
			}
		}
		if len(page) > 0 && !send(fetched{rows: page}) {
			return
		}
		t0 := time.Now()
		n, err := s.src.CountCurrent(countCtx)
		counted <- count{n, err, time.Since(t0)}
	}()
	return out
}

// pass sorts the streamed memberships into skipped (unchanged) and staged (new, changed)
// and writes the staged ones on a third goroutine, so reading CiviCRM, deciding and
// writing the staging table overlap. ready delivers the roll, which loads meanwhile.
func (s *Syncer) pass(ctx context.Context, ready <-chan *roll, stg Stage, rep *Report) (*roll, error) {
	readCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	rep.counted = make(chan count, 1)
	// The count outlives the pass: it is read while the stage is compared.
	pages := s.readAhead(readCtx, ctx, rep.counted)
	batches := make(chan []Member, 1)
	done := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = stg.Put(readCtx, b); err != nil {
					cancel()
				}
			}
		}
		done <- err
	}()
	r := <-ready
	staleBefore := rep.Run.StartedAt.Add(-s.opts.GracePeriod)
	var fold []int64
	batch := make([]Member, 0, s.opts.StageBatch)
	var passErr error
	for p := range pages {
		if p.err != nil || r == nil {
			passErr = p.err
			break
		}
		for _, m := range p.rows {
			rep.Run.Fetched++
			if !m.EndDate.IsZero() && m.EndDate.Before(staleBefore) {
				rep.Run.Stale++
				if len(rep.StaleExamples) < s.opts.Examples {
					rep.StaleExamples = append(rep.StaleExamples, m)
				}
			}
			mem := MemberOf(m)
			var toStage []Member
			if i := r.find(m.ContactID); i >= 0 {
				var foldMirror bool
				if toStage, foldMirror = r.meet(i, mem); foldMirror {
					fold = append(fold, m.ContactID)
				}
			} else {
				r.one[0] = mem
				toStage = r.one[:]
			}
			for _, sm := range toStage {
				batch = append(batch, sm)
				rep.staged++
				if len(batch) == cap(batch) {
					batches <- batch
					batch = make([]Member, 0, s.opts.StageBatch)
				}
			}
		}
	}
	if passErr == nil && r != nil {
		batch = append(batch, r.leftovers()...)
	}
	if passErr == nil && len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	putErr := <-done
	cancel()
	for range pages { // let the reader finish
	}
	if r == nil {
		return nil, errRollUnavailable
	}
	if size := s.src.PageSize(); size > 0 {
		rep.Run.Pages = rep.Run.Fetched/size + 1
	}
	switch {
	case putErr != nil:
		rep.Run.Reason = ReasonStore
		return nil, fmt.Errorf("roster: stage members (nothing was changed): %w", putErr)
	case passErr != nil:
		return nil, fmt.Errorf("roster: read the roster from CiviCRM after %d memberships (nothing was changed): %w",
			rep.Run.Fetched, passErr)
	}
	if len(fold) > 0 {
		if err := stg.FoldMirrored(ctx, fold); err != nil {
			rep.Run.Reason = ReasonStore
			return nil, fmt.Errorf("roster: fold mirrored memberships: %w", err)
		}
	}
	return r, nil
}
