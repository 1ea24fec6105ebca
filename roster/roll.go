package roster

import (
	"context"
	"fmt"
	"slices"
)

// roll is the mirror as the sync needs it in memory: for a million members about 20 MB,
// sorted by contact id so a membership finds its member by binary search.
type roll struct {
	ids    []int64
	hashes []uint64 // 0: always stage (lapsed, override expired)
	counts []uint8  // memberships mirrored, 0 when more than 255
	good   []bool
	seen   []uint8 // memberships met this run, saturating
	state  []uint8 // open, staged or matched
	// Contacts mirrored with several memberships are decided when the last one arrives;
	// until then their memberships wait here (a few percent of the roll at most).
	pending map[int][]Member
	nGood   int
	one     [1]Member // meet's answer for a single membership, reused to spare an allocation per row
}

const (
	open    = iota // nothing decided yet
	staged         // the contact's memberships go to the staging area
	matched        // every mirrored membership arrived unchanged; nothing staged
)

func loadRoll(ctx context.Context, st Store) (*roll, error) {
	r := &roll{pending: map[int][]Member{}}
	last := int64(-1)
	err := st.Roll(ctx, func(e RollEntry) error {
		if e.ContactID <= last {
			return fmt.Errorf("roster: the store's roll is not in ascending contact id (%d after %d)", e.ContactID, last)
		}
		last = e.ContactID
		h, c := e.Hash, e.Memberships
		if !e.InGoodStanding || c < 1 || c > 255 {
			h, c = 0, 0
		}
		r.ids = append(r.ids, e.ContactID)
		r.hashes = append(r.hashes, h)
		r.counts = append(r.counts, uint8(c))
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
	r.state = make([]uint8, len(r.ids))
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

// meet records membership m of the mirrored contact at i and returns what to stage now,
// valid until the next call.
// A contact whose memberships all arrive with the mirrored hash (the XOR of theirs) and
// count stages nothing. If a matched contact then shows one more membership, fold is set:
// what was skipped is exactly the mirrored row, so the store folds that row back in
// instead of this remembering every skipped membership.
func (r *roll) meet(i int, m Member) (stage []Member, fold bool) {
	if r.seen[i] < 255 {
		r.seen[i]++
	}
	r.one[0] = m
	switch r.state[i] {
	case staged:
		return r.one[:], false
	case matched:
		r.state[i] = staged
		return r.one[:], true
	}
	if r.hashes[i] == 0 {
		r.state[i] = staged
		return r.one[:], false
	}
	p := append(r.pending[i], m)
	if len(p) < int(r.counts[i]) {
		r.pending[i] = p
		return nil, false
	}
	delete(r.pending, i)
	var x uint64
	for _, pm := range p {
		x ^= pm.Hash
	}
	if x == r.hashes[i] {
		r.state[i] = matched
		return nil, false
	}
	r.state[i] = staged
	return p, false
}

// leftovers returns the memberships of contacts that showed fewer memberships than the
// mirror holds: changed, so staged.
func (r *roll) leftovers() []Member {
	var out []Member
	for i, p := range r.pending {
		r.state[i] = staged
		out = append(out, p...)
	}
	clear(r.pending)
	return out
}

// reset readies a kept roll for another run.
func (r *roll) reset() {
	clear(r.seen)
	clear(r.state)
	clear(r.pending)
}
