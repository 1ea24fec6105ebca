package election

import (
	"cmp"
	"iter"
	"slices"
)

// Result is the count of an election, computed from its ballots alone.
type Result struct {
	// Eligible is the number of members on the roll; BallotsCast how many voted.
	Eligible    int
	BallotsCast int
	Positions   []PositionResult
}

// PositionResult is the count of one position.
type PositionResult struct {
	Key   string
	Title string
	Seats int
	// Candidates are in ballot order.
	Candidates        []CandidateResult
	ReopenNominations bool
	// RONVotes counts votes for Re-open nominations.
	RONVotes int
	// Abstentions counts ballots that left the position blank.
	Abstentions int
	// ValidVotes counts all choices made for the position (candidates and RON).
	ValidVotes int
	// Elected lists the elected candidates' ids, most votes first, then those chosen
	// by lot in the order the committee drew them.
	Elected []int64
	// RONElected reports that Re-open nominations won a seat, which stays empty.
	RONElected bool
	// EmptySeats counts seats nobody fills: taken by RON, or with too few candidates
	// who received a vote. Seats awaiting a tie's resolution are not counted.
	EmptySeats int
	// Tie, when not nil, is a tie for the last seats that the committee must resolve
	// by lot before the results can be published.
	Tie *Tie
	// Resolutions records the committee's decisions by lot, in order.
	Resolutions []Resolution
}

// CandidateResult is one candidate's votes.
type CandidateResult struct {
	ID      int64
	Votes   int
	Elected bool
}

// Turnout returns the share of eligible members who voted, from 0 to 1.
func (r *Result) Turnout() float64 {
	if r.Eligible == 0 {
		return 0
	}
	return float64(r.BallotsCast) / float64(r.Eligible)
}

// Position returns the result for one position, or nil.
func (r *Result) Position(key string) *PositionResult {
	for i := range r.Positions {
		if r.Positions[i].Key == key {
			return &r.Positions[i]
		}
	}
	return nil
}

// Tally counts ballots against paper. eligible is the size of the roll, for turnout.
// Every ballot must be valid for the paper (as Encode makes them); a ballot with a
// repeated choice or more choices than seats means the ballot box is inconsistent,
// and Tally refuses with ErrInvalid rather than count it.
//
// In each position the seats go to the candidates (and RON, where offered) with the
// most votes. Anyone with no votes is never elected. When the last seats are tied,
// the tie is reported in PositionResult.Tie and never broken here: the committee
// resolves it by lot with ResolveTie.
func Tally(paper *BallotPaper, ballots iter.Seq[Ballot], eligible int) (*Result, error) {
	contests := paper.contests
	// Counts live in one flat slice: slot base[c] is RON, base[c]+1+j candidate j.
	base := make([]int, len(contests)+1)
	for i, c := range contests {
		base[i+1] = base[i] + 1 + len(c.Candidates)
	}
	counts := make([]int, base[len(contests)])
	// Stamps record the last ballot that touched a slot or a contest, so per-ballot
	// checks need no clearing between ballots.
	slotStamp := make([]int32, len(counts))
	contestStamp := make([]int32, len(contests))
	used := make([]int, len(contests))
	marked := make([]int, len(contests))

	n := int32(0)
	var bad error
	for b := range ballots {
		n++
		for _, m := range b.marks {
			c := int(m.contest)
			if c >= len(contests) || int(m.choice) >= len(contests[c].Candidates) || m.choice < ronIndex {
				bad = Errorf(ErrInvalid, "ballot %d does not belong to this ballot paper", n)
				break
			}
			slot := base[c] + 1 + int(m.choice)
			if contestStamp[c] != n {
				contestStamp[c] = n
				used[c] = 0
				marked[c]++
			}
			used[c]++
			if slotStamp[slot] == n || used[c] > contests[c].Seats {
				bad = Errorf(ErrInvalid, "ballot %d repeats a choice or has more choices than seats for %s; "+
					"the stored ballots are inconsistent and must be checked before counting", n, contests[c].Key)
				break
			}
			slotStamp[slot] = n
			counts[slot]++
		}
		if bad != nil {
			return nil, bad
		}
	}

	r := &Result{Eligible: eligible, BallotsCast: int(n), Positions: make([]PositionResult, len(contests))}
	for i, c := range contests {
		pr := PositionResult{
			Key: c.Key, Title: c.Title, Seats: c.Seats, ReopenNominations: c.ReopenNominations,
			RONVotes:    counts[base[i]],
			Abstentions: int(n) - marked[i],
			Candidates:  make([]CandidateResult, len(c.Candidates)),
		}
		pr.ValidVotes = pr.RONVotes
		for j, id := range c.Candidates {
			pr.Candidates[j] = CandidateResult{ID: id, Votes: counts[base[i]+1+j]}
			pr.ValidVotes += pr.Candidates[j].Votes
		}
		pr.allocate()
		r.Positions[i] = pr
	}
	return r, nil
}

// entry is a contender for seats: a candidate or, with id RON, Re-open nominations.
type entry struct {
	id    int64
	votes int
}

// allocate gives the seats to the top entries and finds a tie for the last seats.
func (pr *PositionResult) allocate() {
	var entries []entry
	for _, c := range pr.Candidates {
		if c.Votes > 0 {
			entries = append(entries, entry{c.ID, c.Votes})
		}
	}
	if pr.ReopenNominations && pr.RONVotes > 0 {
		entries = append(entries, entry{RON, pr.RONVotes})
	}
	// Stable, so equal votes keep ballot order (RON last) for display; ties are
	// decided by the committee, never by this order.
	slices.SortStableFunc(entries, func(a, b entry) int { return cmp.Compare(b.votes, a.votes) })

	winners := entries
	if len(entries) > pr.Seats {
		last := entries[pr.Seats-1].votes
		if entries[pr.Seats].votes == last {
			var tied []int64
			above := 0
			for _, e := range entries {
				switch {
				case e.votes > last:
					above++
				case e.votes == last:
					tied = append(tied, e.id)
				}
			}
			pr.Tie = &Tie{Candidates: tied, Votes: last, Seats: pr.Seats - above}
			winners = entries[:above]
		} else {
			winners = entries[:pr.Seats]
		}
	}
	for _, e := range winners {
		pr.elect(e.id)
	}
	pr.countEmpty()
}

// elect gives a seat to id: a candidate, or RON, whose seat stays empty.
func (pr *PositionResult) elect(id int64) {
	if id == RON {
		pr.RONElected = true
		return
	}
	pr.Elected = append(pr.Elected, id)
	for j := range pr.Candidates {
		if pr.Candidates[j].ID == id {
			pr.Candidates[j].Elected = true
		}
	}
}

func (pr *PositionResult) countEmpty() {
	pending := 0
	if pr.Tie != nil {
		pending = pr.Tie.Seats
	}
	pr.EmptySeats = pr.Seats - len(pr.Elected) - pending
}
