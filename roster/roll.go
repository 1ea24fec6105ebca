package roster

import (
	"context"
	"fmt"
	"slices"
)

// roll is the mirror as the sync needs it in memory: for a million members about 18 MB,
// sorted by contact id so a membership finds its member by binary search.
type roll struct {
	ids    []int64
	hashes []uint64 // 0: always stage (lapsed, several memberships, override expired)
	good   []bool
	seen   []uint8 // memberships met this run, saturating
	staged []bool
	nGood  int
}

func loadRoll(ctx context.Context, st Store) (*roll, error) {
	r := &roll{}
	last := int64(-1)
	err := st.Roll(ctx, func(e RollEntry) error {
		if e.ContactID <= last {
			return fmt.Errorf("roster: the store's roll is not in ascending contact id (%d after %d)", e.ContactID, last)
		}
		last = e.ContactID
		h := e.Hash
		if !e.InGoodStanding || e.Memberships != 1 {
			h = 0
		}
		r.ids = append(r.ids, e.ContactID)
		r.hashes = append(r.hashes, h)
		r.good = append(r.good, e.InGoodStanding)
		if e.InGoodStanding {
			r.nGood++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("roster: load the current roll: %w", err)
	}
	r.ids = slices.Clip(r.ids)
	r.seen = make([]uint8, len(r.ids))
	r.staged = make([]bool, len(r.ids))
	return r, nil
}

func (r *roll) find(contactID int64) int {
	i, ok := slices.BinarySearch(r.ids, contactID)
	if !ok {
		return -1
	}
	return i
}

// forceStage makes a mirrored contact staged whenever it is met, so its standing is
// re-derived (used for overrides that expired).
func (r *roll) forceStage(contactID int64) {
	if i := r.find(contactID); i >= 0 {
		r.hashes[i] = 0
	}
}

// decision says what to do with one membership of a mirrored contact.
type decision int

const (
	skip         decision = iota // unchanged so far
	stage                        // new or changed: stage it
	stageAndFold                 // stage it and fold the mirrored row in (an earlier, unchanged one was skipped)
)

// meet records a membership of the contact at i and decides whether to stage it. A contact
// mirrored with exactly one membership whose hash matches is skipped; if the same contact
// then shows another membership, the skipped one is exactly the mirrored row, so it is
// folded back in from the mirror instead of being remembered here.
func (r *roll) meet(i int, hash uint64) decision {
	arrivals := r.seen[i]
	if arrivals < 255 {
		r.seen[i]++
	}
	switch {
	case r.staged[i]:
		return stage
	case arrivals == 0 && r.hashes[i] != 0 && r.hashes[i] == hash:
		return skip
	case arrivals > 0:
		r.staged[i] = true
		return stageAndFold
	default:
		r.staged[i] = true
		return stage
	}
}
