package election

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// randomContests makes a ballot paper of n positions with 0-5 candidates and 1-3 seats.
func randomContests(rng *rand.Rand, n int) []Contest {
	contests := make([]Contest, n)
	next := int64(1)
	for i := range contests {
		c := Contest{Key: fmt.Sprintf("p%d", i), Title: fmt.Sprintf("P%d", i), Seats: 1 + rng.IntN(3), ReopenNominations: rng.IntN(2) == 0}
		for range rng.IntN(6) {
			c.Candidates = append(c.Candidates, next)
			next++
		}
		contests[i] = c
	}
	return contests
}

// randomChoices fills a ballot the way voters do: some positions blank, otherwise up
// to seats distinct choices among the candidates and RON. Few voters and candidates
// make ties common.
func randomChoices(rng *rand.Rand, contests []Contest) Choices {
	c := Choices{}
	for _, con := range contests {
		options := slices.Clone(con.Candidates)
		if con.ReopenNominations {
			options = append(options, RON)
		}
		if len(options) == 0 || rng.IntN(5) == 0 {
			continue
		}
		rng.Shuffle(len(options), func(i, j int) { options[i], options[j] = options[j], options[i] })
		c[con.Key] = options[:1+rng.IntN(min(con.Seats, len(options)))]
	}
	return c
}

// naive recounts decoded ballots with maps, and decides each seat from the
// definition directly: a contender with votes is elected when fewer than seats others
// have more votes and at most seats (itself included) have at least as many; it is
// tied when fewer than seats have more but more than seats have at least as many.
type naiveCount struct {
	votes       map[int64]int
	abstentions int
	elected     []int64
	tied        []int64
	ronElected  bool
}

func naive(contests []Contest, ballots []Choices) map[string]*naiveCount {
	out := map[string]*naiveCount{}
	for _, con := range contests {
		nc := &naiveCount{votes: map[int64]int{}}
		for _, id := range con.Candidates {
			nc.votes[id] = 0
		}
		for _, b := range ballots {
			if len(b[con.Key]) == 0 {
				nc.abstentions++
			}
			for _, id := range b[con.Key] {
				nc.votes[id]++
			}
		}
		for id, v := range nc.votes {
			if v == 0 {
				continue
			}
			more, atLeast := 0, 0
			for _, w := range nc.votes {
				if w > v {
					more++
				}
				if w >= v {
					atLeast++
				}
			}
			switch {
			case more < con.Seats && atLeast <= con.Seats && id == RON:
				nc.ronElected = true
			case more < con.Seats && atLeast <= con.Seats:
				nc.elected = append(nc.elected, id)
			case more < con.Seats:
				nc.tied = append(nc.tied, id)
			}
		}
		slices.Sort(nc.elected)
		slices.Sort(nc.tied)
		out[con.Key] = nc
	}
	return out
}

func TestTallyProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2023, 2))
	var ties, ronSeats int
	defer func() {
		// The generator must exercise the hard cases, or the comparison proves little.
		if ties < 10 || ronSeats < 10 {
			t.Errorf("random ballots produced only %d ties and %d RON seats", ties, ronSeats)
		}
	}()
	for round := range 300 {
		contests := randomContests(rng, 1+rng.IntN(6))
		paper, err := NewBallotPaper(contests)
		if err != nil {
			t.Fatal(err)
		}
		choices := make([]Choices, rng.IntN(40))
		ballots := make([]Ballot, len(choices))
		for i := range choices {
			choices[i] = randomChoices(rng, contests)
			if ballots[i], err = paper.Encode(choices[i]); err != nil {
				t.Fatalf("round %d: generated an invalid ballot: %v", round, err)
			}
		}
		r, err := Tally(paper, slices.Values(ballots), 100)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}

		// 1. The tally equals a naive recount.
		want := naive(contests, choices)
		for _, pr := range r.Positions {
			nc := want[pr.Key]
			got := map[int64]int{}
			for _, c := range pr.Candidates {
				got[c.ID] = c.Votes
			}
			if pr.ReopenNominations {
				got[RON] = pr.RONVotes
			}
			if _, ok := nc.votes[RON]; !ok && pr.ReopenNominations {
				nc.votes[RON] = 0
			}
			if diff := cmp.Diff(nc.votes, got); diff != "" {
				t.Fatalf("round %d %s: votes differ from a naive recount (-naive +tally):\n%s", round, pr.Key, diff)
			}
			if pr.RONElected {
				ronSeats++
			}
			var tied []int64
			if pr.Tie != nil {
				ties++
				tied = slices.Sorted(slices.Values(pr.Tie.Candidates))
			}
			elected := slices.Sorted(slices.Values(pr.Elected))
			if !slices.Equal(elected, nc.elected) || !slices.Equal(tied, nc.tied) || pr.RONElected != nc.ronElected || pr.Abstentions != nc.abstentions {
				t.Fatalf("round %d %s: elected %v tied %v RON %v abst %d; naive %v %v %v %d",
					round, pr.Key, elected, tied, pr.RONElected, pr.Abstentions, nc.elected, nc.tied, nc.ronElected, nc.abstentions)
			}
			seatsAccounted := len(pr.Elected) + pr.EmptySeats
			if pr.Tie != nil {
				seatsAccounted += pr.Tie.Seats
			}
			if seatsAccounted != pr.Seats {
				t.Fatalf("round %d %s: %d seats accounted for, want %d", round, pr.Key, seatsAccounted, pr.Seats)
			}
		}

		// 2. Permuting the ballots changes nothing.
		shuffled := slices.Clone(ballots)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		r2, err := Tally(paper, slices.Values(shuffled), 100)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r, r2); diff != "" {
			t.Fatalf("round %d: permuting ballots changed the result:\n%s", round, diff)
		}

		// 3. One ballot never adds more than seats votes to a position.
		if len(ballots) > 0 {
			one, err := Tally(paper, slices.Values(ballots[:1]), 100)
			if err != nil {
				t.Fatal(err)
			}
			for i, pr := range one.Positions {
				if pr.ValidVotes > contests[i].Seats {
					t.Fatalf("round %d %s: one ballot added %d votes to a %d-seat position", round, pr.Key, pr.ValidVotes, contests[i].Seats)
				}
			}
		}
	}
}

// wiseBallotPaper builds the WISE-RA ballot with 2-4 candidates per position and the
// co-officerships that every candidate agreed to as two-seat contests.
func wiseBallotPaper(tb testing.TB) (*BallotPaper, []Contest) {
	tb.Helper()
	def := mustFixture(tb, "wise-ra-2023.yaml")
	var cands []Candidate
	id := int64(1)
	for i, p := range def.Positions {
		for j := range 2 + i%3 {
			cands = append(cands, Candidate{ID: id, Name: fmt.Sprintf("Candidate %d", id), PositionKey: p.Key,
				Status: Accepted, CoOfficershipConsent: i%2 == 0 || j > 0})
			id++
		}
	}
	contests := def.Contests(cands)
	paper, err := NewBallotPaper(contests)
	if err != nil {
		tb.Fatal(err)
	}
	return paper, contests
}

// BenchmarkTally counts 1,000,000 random ballots over the 17 WISE-RA positions per
// iteration. Issue 7's target: at most 5 s.
func BenchmarkTally(b *testing.B) {
	paper, contests := wiseBallotPaper(b)
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(1, 2))
	ballots := make([]Ballot, n)
	for i := range ballots {
		var err error
		if ballots[i], err = paper.Encode(randomChoices(rng, contests)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := Tally(paper, slices.Values(ballots), n)
		if err != nil || r.BallotsCast != n {
			b.Fatalf("Tally: %v", err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
}
