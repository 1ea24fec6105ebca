package election

import "time"

// Turnout is how much of an election's roll has voted, overall and by hour, for the
// committee. It counts voters marked as voted, never ballots, so it says nothing about
// how anyone voted.
type Turnout struct {
	// Eligible counts the members who may vote or have voted: live links of members in
	// good standing, plus everyone who has voted (a member who lapses after voting still
	// voted).
	Eligible int
	Voted    int
	// ByHour counts casts per hour of the election's local time, in order; hours in which
	// nobody voted are absent.
	ByHour []HourTurnout
}

// HourTurnout is the casts of one local hour.
type HourTurnout struct {
	// Start is the hour's first instant, in the election's time zone.
	Start time.Time
	Voted int
}

// Share returns Voted / Eligible, from 0 to 1.
func (t *Turnout) Share() float64 {
	if t.Eligible == 0 {
		return 0
	}
	return float64(t.Voted) / float64(t.Eligible)
}
