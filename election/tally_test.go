package election

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tally encodes choices against contests and counts them.
func tally(tb testing.TB, contests []Contest, eligible int, ballots ...Choices) *Result {
	tb.Helper()
	p, err := NewBallotPaper(contests)
	if err != nil {
		tb.Fatal(err)
	}
	encoded := make([]Ballot, len(ballots))
	for i, c := range ballots {
		if encoded[i], err = p.Encode(c); err != nil {
			tb.Fatalf("ballot %d: %v", i, err)
		}
	}
	r, err := Tally(p, slices.Values(encoded), eligible)
	if err != nil {
		tb.Fatalf("Tally: %v", err)
	}
	return r
}

// repeat returns n copies of a ballot.
func repeat(n int, c Choices) []Choices {
	out := make([]Choices, n)
	for i := range out {
		out[i] = c
	}
	return out
}

func concat(groups ...[]Choices) []Choices { return slices.Concat(groups...) }

func TestTallyPosition(t *testing.T) {
	one := []Contest{{Key: "p", Title: "P", Seats: 1, Candidates: []int64{1, 2, 3}, ReopenNominations: true}}
	two := []Contest{{Key: "p", Title: "P", Seats: 2, Candidates: []int64{1, 2, 3}, ReopenNominations: true}}
	board := []Contest{{Key: "p", Title: "P", Seats: 3, Candidates: []int64{1, 2, 3, 4}}}
	v := func(ids ...int64) Choices { return Choices{"p": ids} }
	blank := Choices{}
	cases := []struct {
		name     string
		contests []Contest
		ballots  []Choices
		elected  []int64
		ron      bool
		empty    int
		tie      *Tie
		abstain  int
	}{
		{"clear winner", one, concat(repeat(5, v(2)), repeat(3, v(1)), repeat(1, blank)), []int64{2}, false, 0, nil, 1},
		{"top two of two seats", two, concat(repeat(5, v(1, 2)), repeat(2, v(3, 2))), []int64{2, 1}, false, 0, nil, 0},
		{"RON wins the only seat", one, concat(repeat(4, v(RON)), repeat(3, v(1))), nil, true, 1, nil, 0},
		{"RON takes the second seat", two, concat(repeat(4, v(1, RON)), repeat(1, v(2))), []int64{1}, true, 1, nil, 0},
		{"RON below the seats", two, concat(repeat(4, v(1, 2)), repeat(1, v(RON))), []int64{1, 2}, false, 0, nil, 0},
		{"tie for the only seat", one, concat(repeat(3, v(1)), repeat(3, v(3)), repeat(1, v(2))), nil, false, 0,
			&Tie{Candidates: []int64{1, 3}, Votes: 3, Seats: 1}, 0},
		{"tie for the last of two seats", two, concat(repeat(5, v(1)), repeat(3, v(2)), repeat(3, v(3))), []int64{1}, false, 0,
			&Tie{Candidates: []int64{2, 3}, Votes: 3, Seats: 1}, 0},
		{"three tied for two seats", two, concat(repeat(2, v(1)), repeat(2, v(2)), repeat(2, v(3))), nil, false, 0,
			&Tie{Candidates: []int64{1, 2, 3}, Votes: 2, Seats: 2}, 0},
		{"tie with RON", one, concat(repeat(2, v(1)), repeat(2, v(RON))), nil, false, 0,
			&Tie{Candidates: []int64{1, RON}, Votes: 2, Seats: 1}, 0},
		{"tie below the seats decides nothing", one, concat(repeat(5, v(1)), repeat(2, v(2)), repeat(2, v(3))), []int64{1}, false, 0, nil, 0},
		{"nobody with votes is elected", board, concat(repeat(3, v(2)), repeat(2, blank)), []int64{2}, false, 2, nil, 2},
		{"all abstain", one, repeat(4, blank), nil, false, 1, nil, 4},
		{"no ballots", one, nil, nil, false, 1, nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := tally(t, c.contests, 100, c.ballots...)
			pr := r.Positions[0]
			if !slices.Equal(pr.Elected, c.elected) || pr.RONElected != c.ron || pr.EmptySeats != c.empty || pr.Abstentions != c.abstain {
				t.Errorf("elected %v RON %v empty %d abstentions %d; want %v %v %d %d",
					pr.Elected, pr.RONElected, pr.EmptySeats, pr.Abstentions, c.elected, c.ron, c.empty, c.abstain)
			}
			if diff := cmp.Diff(c.tie, pr.Tie); diff != "" {
				t.Errorf("tie (-want +got):\n%s", diff)
			}
			for _, cr := range pr.Candidates {
				if cr.Elected != slices.Contains(pr.Elected, cr.ID) {
					t.Errorf("candidate %d Elected flag %v disagrees with Elected list %v", cr.ID, cr.Elected, pr.Elected)
				}
			}
		})
	}
}

func TestTallyTotals(t *testing.T) {
	contests := []Contest{
		{Key: "a", Title: "A", Seats: 1, Candidates: []int64{1, 2}, ReopenNominations: true},
		{Key: "b", Title: "B", Seats: 2, Candidates: []int64{3, 4, 5}},
	}
	r := tally(t, contests, 10,
		Choices{"a": {1}, "b": {3, 4}},
		Choices{"a": {RON}, "b": {5}},
		Choices{"b": {3}},
		Choices{},
	)
	want := &Result{Eligible: 10, BallotsCast: 4, Positions: []PositionResult{
		{Key: "a", Title: "A", Seats: 1, ReopenNominations: true, RONVotes: 1, Abstentions: 2, ValidVotes: 2,
			Candidates: []CandidateResult{{1, 1, false}, {2, 0, false}}, Tie: &Tie{Candidates: []int64{1, RON}, Votes: 1, Seats: 1}},
		{Key: "b", Title: "B", Seats: 2, Abstentions: 1, ValidVotes: 4, Elected: []int64{3},
			Candidates: []CandidateResult{{3, 2, true}, {4, 1, false}, {5, 1, false}}, Tie: &Tie{Candidates: []int64{4, 5}, Votes: 1, Seats: 1}},
	}}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := r.Turnout(); got != 0.4 {
		t.Errorf("Turnout = %v, want 0.4", got)
	}
	if (&Result{}).Turnout() != 0 {
		t.Error("Turnout with nobody eligible should be 0")
	}
}

func TestTallyRefusesInconsistentBallots(t *testing.T) {
	p := testPaper(t)
	dup, _ := p.AppendChoice(Ballot{}, "treasurer", 21)
	dup, _ = p.AppendChoice(dup, "treasurer", 21)
	over, _ := p.AppendChoice(Ballot{}, "secretary", 11)
	over, _ = p.AppendChoice(over, "secretary", 12)
	foreign, _ := p.AppendChoice(Ballot{}, "board", 34) // contest 2, candidate 3
	small, _ := NewBallotPaper([]Contest{{Key: "x", Seats: 1, Candidates: []int64{1}}})
	for name, tc := range map[string]struct {
		paper *BallotPaper
		b     Ballot
	}{"duplicate": {p, dup}, "over seats": {p, over}, "other paper": {small, foreign}} {
		if _, err := Tally(tc.paper, slices.Values([]Ballot{{}, tc.b}), 10); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		} else if !strings.Contains(err.Error(), "ballot 2") {
			t.Errorf("%s: error does not say which ballot: %v", name, err)
		}
	}
}

func TestResolveTie(t *testing.T) {
	two := []Contest{{Key: "p", Title: "Treasurer", Seats: 2, Candidates: []int64{1, 2, 3}, ReopenNominations: true}}
	v := func(ids ...int64) Choices { return Choices{"p": ids} }
	r := tally(t, two, 50, concat(repeat(2, v(1)), repeat(2, v(2)), repeat(2, v(3)), repeat(1, v(RON)))...)

	err := r.CheckPublishable("wise-ra-2023")
	if !errors.Is(err, ErrTieUnresolved) || !strings.Contains(err.Error(), "Treasurer (candidate 1, candidate 2, candidate 3 tied on 2 votes for 2 seats: "+
		"`civivote tally wise-ra-2023 --resolve-tie p --winner CANDIDATE --reason TEXT`)") {
		t.Fatalf("CheckPublishable = %v", err)
	}
	errCases := []struct {
		key    string
		winner int64
		reason string
		kind   error
	}{
		{"nope", 1, "lot", ErrNotFound},
		{"p", 1, " ", ErrInvalid},
		{"p", RON, "lot", ErrInvalid}, // RON is not in this tie
		{"p", 9, "lot", ErrInvalid},
	}
	for _, c := range errCases {
		if err := r.ResolveTie(c.key, c.winner, c.reason); !errors.Is(err, c.kind) {
			t.Errorf("ResolveTie(%q, %d, %q) = %v, want %v", c.key, c.winner, c.reason, err, c.kind)
		}
	}
	if err := r.ResolveTie("p", 3, "drawn from a hat by the chair, 1 March"); err != nil {
		t.Fatal(err)
	}
	pr := r.Position("p")
	if pr.Tie == nil || pr.Tie.Seats != 1 || !slices.Equal(pr.Tie.Candidates, []int64{1, 2}) || !slices.Equal(pr.Elected, []int64{3}) {
		t.Fatalf("after first draw: tie %+v elected %v", pr.Tie, pr.Elected)
	}
	if r.CheckPublishable("wise-ra-2023") == nil {
		t.Fatal("publishable with one tied seat left")
	}
	if err := r.ResolveTie("p", 3, "again"); !errors.Is(err, ErrInvalid) {
		t.Errorf("drawing an already elected candidate: %v", err)
	}
	if err := r.ResolveTie("p", 1, "second draw"); err != nil {
		t.Fatal(err)
	}
	if pr.Tie != nil || !slices.Equal(pr.Elected, []int64{3, 1}) || pr.EmptySeats != 0 || pr.Candidates[1].Elected {
		t.Errorf("after second draw: tie %+v elected %v empty %d", pr.Tie, pr.Elected, pr.EmptySeats)
	}
	if len(pr.Resolutions) != 2 || !slices.Equal(pr.Resolutions[1].Tied, []int64{1, 2}) || pr.Resolutions[0].Reason == "" {
		t.Errorf("resolutions = %+v", pr.Resolutions)
	}
	if err := r.CheckPublishable("wise-ra-2023"); err != nil {
		t.Errorf("CheckPublishable after resolution: %v", err)
	}
	if err := r.ResolveTie("p", 2, "late"); !errors.Is(err, ErrConflict) {
		t.Errorf("ResolveTie with no tie = %v, want ErrConflict", err)
	}
}

func TestResolveTieRONWins(t *testing.T) {
	one := []Contest{{Key: "p", Title: "P", Seats: 1, Candidates: []int64{1}, ReopenNominations: true}}
	r := tally(t, one, 5, Choices{"p": {1}}, Choices{"p": {RON}})
	if err := r.ResolveTie("p", RON, "lot"); err != nil {
		t.Fatal(err)
	}
	pr := r.Positions[0]
	if !pr.RONElected || len(pr.Elected) != 0 || pr.EmptySeats != 1 || pr.Tie != nil {
		t.Errorf("RON won the lot: %+v", pr)
	}
}
