package main

import (
	"errors"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// castAll casts the ballot of every member in ids against base from workers goroutines and
// returns what each member saw. stop, when it reports true, makes the workers give up on
// the members not started yet.
func castAll(base string, ids []int64, workers int, form map[string][]string, stop func() bool) map[int64]castResult {
	var mu sync.Mutex
	out := map[int64]castResult{}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(ids) || stop() {
					return
				}
				r := castHTTP(base, ids[i], form)
				mu.Lock()
				out[ids[i]] = r
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return out
}

// kill -9 in the middle of heavy casting: every member whose confirmation page arrived
// has their ballot in the table, every ballot has its voter's mark and the reverse, and
// after the restart everyone else can vote (or learns that their cast went through).
func TestKillServeDuringHeavyCasting(t *testing.T) {
	site := newVotingSite(t, 250)
	env := faultEnv(site.dsn, site.fake.URL())
	first := startReplica(t, env)

	const workers = 16
	killAt := int64(len(site.members) / 3)
	var receipts atomic.Int64
	var killed atomic.Bool
	var killOnce sync.Once
	results := map[int64]castResult{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Go(func() {
			for !killed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(site.members) {
					return
				}
				id := site.members[i]
				r := castHTTP(first.base, id, site.form)
				mu.Lock()
				results[id] = r
				mu.Unlock()
				if r.receipt != "" && receipts.Add(1) == killAt {
					killOnce.Do(func() {
						first.kill9(t)
						killed.Store(true)
					})
				}
			}
		})
	}
	wg.Wait()
	if !killed.Load() {
		t.Fatalf("casting ended before the kill: %d receipts", receipts.Load())
	}

	var shown []string
	unsure := []int64{} // started, no page back: their ballot may or may not be in
	for id, r := range results {
		switch {
		case r.receipt != "":
			shown = append(shown, r.receipt)
		case errors.Is(r.err, syscall.ECONNREFUSED):
			// sent after the kill: nothing can have been recorded
		case r.err != nil:
			unsure = append(unsure, id)
		default:
			t.Errorf("member %d: status %d without a receipt before the kill:\n%.600s", id, r.status, r.page)
		}
	}
	checkBallotsAndMarks(t, site.db, shown)

	// The restarted server takes everyone who has no receipt yet.
	second := startReplica(t, env)
	var rest []int64
	for _, id := range site.members {
		if results[id].receipt == "" {
			rest = append(rest, id)
		}
	}
	again := castAll(second.base, rest, 8, site.form, func() bool { return false })
	already := 0
	for _, id := range rest {
		r := again[id]
		switch {
		case r.receipt != "":
			shown = append(shown, r.receipt)
		case r.already:
			already++
		default:
			t.Errorf("member %d after the restart: %d %v\n%.600s", id, r.status, r.err, r.page)
		}
	}
	// Only a cast cut off by the kill may have gone in without its page reaching the member.
	if already > len(unsure) {
		t.Errorf("%d members were told they had already voted, but only %d casts were cut off by the kill", already, len(unsure))
	}
	ballots := checkBallotsAndMarks(t, site.db, shown)
	if ballots != len(site.members) {
		t.Errorf("%d ballots for %d members who all voted", ballots, len(site.members))
	}
	t.Logf("%d members; %d receipts before the kill, %d casts cut off by it (%d of them had gone in), %d ballots checked, 0 duplicates allowed",
		len(site.members), receipts.Load(), len(unsure), already, ballots)
}
