package election

import "time"

// Election is a stored election: its definition and where it is in its lifecycle.
// The store loads it; the rules below decide what members and the scheduler may do.
type Election struct {
	ID         int64
	State      State
	Definition *Definition
}

// Due returns the state the clock implies for e at now; see Definition.Due.
func (e *Election) Due(now time.Time) State { return e.Definition.Due(now) }

// Steps returns the transitions e needs to catch up with the clock at now; see
// Definition.Steps.
func (e *Election) Steps(now time.Time) []State { return e.Definition.Steps(e.State, now) }

// CheckNominationsOpen returns nil when members may nominate, edit or withdraw, and
// otherwise ErrWindowClosed with a message saying when nominations open or closed.
func (e *Election) CheckNominationsOpen(now time.Time) error {
	return e.Definition.nominationsOpen(e.State, now)
}

// CheckVotingOpen returns nil when a ballot may be cast at now: the election is in
// voting_open and the server clock is inside the voting window (so voting stops on
// the minute even if the scheduler is late). Otherwise ErrWindowClosed with a message
// saying when voting opens or that it has closed.
func (e *Election) CheckVotingOpen(now time.Time) error {
	d := e.Definition
	switch {
	case now.Before(d.Voting.Opens) || e.State.Before(VotingOpen):
		return Errorf(ErrWindowClosed, "Voting is not open yet. It opens on %s.", d.FormatTime(d.Voting.Opens))
	case e.State != VotingOpen || !d.Voting.Contains(now):
		return Errorf(ErrWindowClosed, "Voting closed on %s.", d.FormatTime(d.Voting.Closes))
	}
	return nil
}

// RollOpen reports whether a member who becomes eligible at t may still join the roll
// (get a link) for this election: always, unless roll_closes is set and t is at or
// after it.
func (d *Definition) RollOpen(t time.Time) bool {
	return d.RollCloses.IsZero() || t.Before(d.RollCloses)
}
