package election

// FixSeats returns the number of seats position p elects, given its candidates at
// the close of nominations: a co-officership position with at least two accepted
// candidates, every one of whom consents, elects two (the top two share the role);
// otherwise the position keeps its defined seats. Only accepted candidates count, so
// candidates may hold every nomination for the position whatever its status.
func FixSeats(p Position, candidates []Candidate) int {
	if !p.CoOfficership {
		return p.Seats
	}
	accepted := 0
	for _, c := range candidates {
		if c.Status != Accepted || c.PositionKey != p.Key {
			continue
		}
		if !c.CoOfficershipConsent {
			return p.Seats
		}
		accepted++
	}
	if accepted >= 2 {
		return 2
	}
	return p.Seats
}
