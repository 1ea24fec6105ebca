package election

import (
	"fmt"
	"time"
)

// State is where an election is in its lifecycle. The string values are stored in
// the database and appear in the admin API: never change them.
type State string

// The lifecycle, in order. Each election moves forward only, one step at a time.
const (
	Draft             State = "draft"
	NominationsOpen   State = "nominations_open"
	NominationsClosed State = "nominations_closed"
	VotingOpen        State = "voting_open"
	VotingClosed      State = "voting_closed"
	ResultsPublished  State = "results_published"
	WrittenBack       State = "written_back"
)

var lifecycle = []State{Draft, NominationsOpen, NominationsClosed, VotingOpen, VotingClosed, ResultsPublished, WrittenBack}

// States returns every state in lifecycle order.
func States() []State { return append([]State(nil), lifecycle...) }

func (s State) rank() int {
	for i, t := range lifecycle {
		if t == s {
			return i
		}
	}
	return -1
}

// ParseState reads a stored state, refusing anything unknown.
func ParseState(s string) (State, error) {
	if st := State(s); st.rank() >= 0 {
		return st, nil
	}
	return "", Errorf(ErrInvalid, "%q is not an election state; states are %v", s, lifecycle)
}

// Valid reports whether s is one of the lifecycle states.
func (s State) Valid() bool { return s.rank() >= 0 }

// Before reports whether s comes earlier in the lifecycle than t.
func (s State) Before(t State) bool { return s.rank() < t.rank() }

// Next returns the state after s; ok is false for WrittenBack and unknown states.
func (s State) Next() (next State, ok bool) {
	r := s.rank()
	if r < 0 || r == len(lifecycle)-1 {
		return "", false
	}
	return lifecycle[r+1], true
}

// String returns words for people ("nominations open").
func (s State) String() string {
	switch s {
	case Draft:
		return "draft"
	case NominationsOpen:
		return "nominations open"
	case NominationsClosed:
		return "nominations closed"
	case VotingOpen:
		return "voting open"
	case VotingClosed:
		return "voting closed"
	case ResultsPublished:
		return "results published"
	case WrittenBack:
		return "written back"
	}
	return fmt.Sprintf("unknown state %q", string(s))
}

// CanAdvance reports whether an election may move from one state to another: only to
// the very next state, so every step's side effects (issuing links, fixing seats,
// closing the ballot box) run exactly once, in order.
func CanAdvance(from, to State) bool {
	next, ok := from.Next()
	return ok && next == to
}

// Due returns the state the windows imply at now: draft before nominations open,
// then nominations open, nominations closed, voting open, and voting closed once
// voting has closed. The clock never implies anything later: results are published
// and written back by the committee.
func (d *Definition) Due(now time.Time) State {
	switch {
	case now.Before(d.Nominations.Opens):
		return Draft
	case now.Before(d.Nominations.Closes):
		return NominationsOpen
	case now.Before(d.Voting.Opens):
		return NominationsClosed
	case now.Before(d.Voting.Closes):
		return VotingOpen
	}
	return VotingClosed
}

// Steps returns the states an election in state current must pass through, in order,
// to reach what the clock implies at now; empty when it is up to date or ahead. After
// downtime the scheduler walks every step rather than jumping, so that, for example,
// links are issued and seats fixed even if the daemon was down all through the
// nominations window.
func (d *Definition) Steps(current State, now time.Time) []State {
	due := d.Due(now)
	var steps []State
	for s := current; s.Valid() && s.Before(due); {
		s, _ = s.Next()
		steps = append(steps, s)
	}
	return steps
}

// ManualAdvance checks a committee's request (`election advance SLUG --reason`) to
// move an election from current to the next state now, ahead of the clock, and
// returns that state. It needs a reason, for the audit log. It stops at voting
// closed: publishing results and writing back have their own commands, which check
// that the count is complete and ties resolved.
func ManualAdvance(current State, reason string) (State, error) {
	if reason == "" {
		return "", Errorf(ErrInvalid, "give a reason for moving the election on early; it is recorded in the audit log")
	}
	if !current.Valid() {
		return "", Errorf(ErrInvalid, "the election is in unknown state %q", string(current))
	}
	if !current.Before(VotingClosed) {
		return "", Errorf(ErrWrongState,
			"the election is %s; use `civivote publish` or `civivote writeback` for the steps after voting closes", current)
	}
	next, _ := current.Next()
	return next, nil
}

// Change says what applying a definition would do.
type Change int

// The outcomes of PlanApply.
const (
	// Create: no election with this slug exists yet.
	Create Change = iota + 1
	// Unchanged: the same definition was applied before; nothing to do.
	Unchanged
	// Update: the definition differs and the election is still a draft.
	Update
)

// PlanApply decides what applying incoming does when the election stored under its
// slug has definition existing (nil when there is none) and is in state current.
// Applying the same file again is always fine. A changed definition is accepted only
// while the election is a draft: once nominations have opened, members have acted on
// the published rules, and changing them under their feet is refused.
func PlanApply(existing *Definition, current State, incoming *Definition) (Change, error) {
	switch {
	case existing == nil:
		return Create, nil
	case existing.Hash() == incoming.Hash():
		return Unchanged, nil
	case current == Draft:
		return Update, nil
	}
	return 0, Errorf(ErrWrongState,
		"election %s can no longer be changed: it is %s, and a definition may change only while the election is a draft "+
			"(before nominations open); to correct it now, the committee must agree a new election with a new slug",
		incoming.Slug, current)
}
