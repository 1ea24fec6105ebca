package election

// ChallengesCouldChange returns the keys of the positions whose outcome open
// unresolved challenged ballots could still change, so publication waits for the
// committee's rulings only where they matter. A challenged ballot adds at most one
// vote to each contender, so open ballots can change a position when the best
// contender outside the seats could reach the weakest contender in them (a tie is a
// change), when a seat is empty for want of votes and someone could fill it, or when
// a tie is already open.
func (r *Result) ChallengesCouldChange(open int) []string {
	if open <= 0 {
		return nil
	}
	var keys []string
	for _, pr := range r.Positions {
		if pr.Tie != nil || pr.challengeable(open) {
			keys = append(keys, pr.Key)
		}
	}
	return keys
}

func (pr *PositionResult) challengeable(open int) bool {
	minIn, maxOut := -1, -1
	consider := func(votes int, in bool) {
		switch {
		case in && (minIn < 0 || votes < minIn):
			minIn = votes
		case !in && votes > maxOut:
			maxOut = votes
		}
	}
	for _, c := range pr.Candidates {
		consider(c.Votes, c.Elected)
	}
	if pr.ReopenNominations {
		consider(pr.RONVotes, pr.RONElected)
	}
	if maxOut < 0 {
		return false // nobody outside the seats
	}
	vacant := pr.EmptySeats
	if pr.RONElected {
		vacant--
	}
	if vacant > 0 {
		return true
	}
	return maxOut+open >= minIn
}
