package election

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// RON is the choice "Re-open nominations" wherever a candidate id is expected. Stored
// candidate ids are positive, so it cannot clash with one.
//
// RON is treated as one more candidate, as unions and students' unions that use it
// do: it counts as one of a voter's choices (up to the position's seats, so a voter
// may choose RON and a candidate for a two-seat position), and if it is among the
// winners, the seat it takes stays empty and nominations are re-opened for it.
const RON int64 = 0

// RONFormValue is how a form submits RON.
const RONFormValue = "RON"

// Contest is one position as it appears on the ballot paper once voting opens.
type Contest struct {
	Key   string
	Title string
	// Seats is the number of seats after co-officership (see FixSeats): a voter
	// chooses up to Seats, the top Seats are elected.
	Seats int
	// Candidates are the accepted candidates' ids in ballot order.
	Candidates []int64
	// ReopenNominations offers RON on this position.
	ReopenNominations bool
}

// Contests returns the ballot paper's contests for d: every position in definition
// order, with its accepted candidates in alphabetical order of name (then id, for a
// stable order), and its seats fixed by FixSeats. A position with no accepted
// candidate is still on the paper, so RON or an abstention can be recorded.
func (d *Definition) Contests(candidates []Candidate) []Contest {
	out := make([]Contest, 0, len(d.Positions))
	for _, p := range d.Positions {
		var mine []Candidate
		for _, c := range candidates {
			if c.PositionKey == p.Key && c.Status == Accepted {
				mine = append(mine, c)
			}
		}
		slices.SortFunc(mine, func(a, b Candidate) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		})
		ids := make([]int64, len(mine))
		for i, c := range mine {
			ids[i] = c.ID
		}
		out = append(out, Contest{Key: p.Key, Title: p.Title, Seats: FixSeats(p, candidates),
			Candidates: ids, ReopenNominations: d.ReopenNominations})
	}
	return out
}

// Choices is a ballot as people and forms see it: per position key, the ids of the
// candidates chosen (RON for Re-open nominations). A position that is absent or has
// no choices was left blank, which is an abstention.
type Choices map[string][]int64

// Ballot is a validated ballot in the compact form the tally counts: a few bytes per
// choice, no strings, no maps. Build one with BallotPaper.Encode or AppendChoice; the
// zero Ballot leaves every position blank.
type Ballot struct {
	marks []mark
}

// mark is one choice: a contest index and a candidate index in it (ronIndex for RON).
type mark struct {
	contest uint16
	choice  int16
}

const ronIndex = -1

// BallotPaper is an election's ballot, fixed when voting opens: it checks ballots
// against the contests and translates between Choices and Ballot.
type BallotPaper struct {
	contests []Contest
	index    map[string]int
	cands    []map[int64]int16
}

// NewBallotPaper checks the contests (unique keys, seats ≥ 1, unique positive
// candidate ids, sizes the compact form can hold) and returns their ballot paper.
func NewBallotPaper(contests []Contest) (*BallotPaper, error) {
	if len(contests) > math.MaxUint16 {
		return nil, Errorf(ErrInvalid, "a ballot can hold at most %d positions, not %d", math.MaxUint16, len(contests))
	}
	p := &BallotPaper{contests: slices.Clone(contests), index: map[string]int{}, cands: make([]map[int64]int16, len(contests))}
	for i, c := range contests {
		if _, dup := p.index[c.Key]; dup {
			return nil, Errorf(ErrInvalid, "position %q appears twice on the ballot", c.Key)
		}
		if c.Seats < 1 {
			return nil, Errorf(ErrInvalid, "position %q has %d seats; it needs at least 1", c.Key, c.Seats)
		}
		if len(c.Candidates) > math.MaxInt16 {
			return nil, Errorf(ErrInvalid, "position %q has %d candidates, more than a ballot can hold", c.Key, len(c.Candidates))
		}
		p.index[c.Key] = i
		p.cands[i] = make(map[int64]int16, len(c.Candidates))
		for j, id := range c.Candidates {
			if id <= 0 {
				return nil, Errorf(ErrInvalid, "position %q has candidate id %d; ids must be positive", c.Key, id)
			}
			if _, dup := p.cands[i][id]; dup {
				return nil, Errorf(ErrInvalid, "candidate %d appears twice for position %q", id, c.Key)
			}
			p.cands[i][id] = int16(j)
		}
	}
	return p, nil
}

// Contests returns the contests in ballot order. The caller must not modify them.
func (p *BallotPaper) Contests() []Contest { return p.contests }

// ValidateBallot checks choices against contests; see BallotPaper.Validate.
func ValidateBallot(contests []Contest, c Choices) error {
	p, err := NewBallotPaper(contests)
	if err != nil {
		return err
	}
	return p.Validate(c)
}

// Validate checks a voter's choices: every position is on the ballot, every candidate
// stands for that position, nobody is chosen twice, no more than the position's seats
// are chosen, and RON only where the election offers it. Blank positions are fine.
// The error is a *FormError (ErrInvalid) with one problem per position, on a field
// named by the position key.
func (p *BallotPaper) Validate(c Choices) error {
	_, err := p.Encode(c)
	return err
}

// Encode validates choices (see Validate) and returns the compact Ballot.
func (p *BallotPaper) Encode(c Choices) (Ballot, error) {
	var b Ballot
	var problems formProblems
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Compare(p.order(a), p.order(b)) })
	for _, key := range keys {
		i, ok := p.index[key]
		if !ok {
			problems.add(key, "The ballot has a position that is not in this election (%q). Reload the page and vote again.", key)
			continue
		}
		con := p.contests[i]
		if len(c[key]) > con.Seats {
			problems.add(key, "You chose %d for %s, which elects %d. Choose at most %d.", len(c[key]), con.Title, con.Seats, con.Seats)
			continue
		}
		seen := map[int64]bool{}
		for _, id := range c[key] {
			choice, msg := p.choice(i, id)
			switch {
			case msg != "":
				problems.add(key, "%s", msg)
			case seen[id]:
				problems.add(key, "You chose the same option twice for %s. Choose each at most once.", con.Title)
			default:
				seen[id] = true
				b.marks = append(b.marks, mark{uint16(i), choice})
			}
		}
	}
	if err := problems.err(); err != nil {
		return Ballot{}, err
	}
	return b, nil
}

func (p *BallotPaper) order(key string) int {
	if i, ok := p.index[key]; ok {
		return i
	}
	return len(p.contests)
}

// choice returns the index of candidate id in a contest, or a message for the voter
// saying why it is not a choice there.
func (p *BallotPaper) choice(contest int, id int64) (int16, string) {
	con := p.contests[contest]
	if id == RON {
		if !con.ReopenNominations {
			return 0, fmt.Sprintf("Re-open nominations is not a choice for %s in this election.", con.Title)
		}
		return ronIndex, ""
	}
	j, ok := p.cands[contest][id]
	if !ok {
		return 0, fmt.Sprintf("The ballot chose someone who is not a candidate for %s. Reload the page and vote again.", con.Title)
	}
	return j, ""
}

// AppendChoice adds one stored choice (position key, candidate id or RON) to b, for
// a store that reads ballots row by row. It checks that the choice exists; Tally
// checks the rest (duplicates, seats) and refuses an inconsistent ballot box.
func (p *BallotPaper) AppendChoice(b Ballot, key string, id int64) (Ballot, error) {
	i, ok := p.index[key]
	if !ok {
		return b, Errorf(ErrInvalid, "stored ballot choice names position %q, which is not on the ballot", key)
	}
	choice, msg := p.choice(i, id)
	if msg != "" {
		return b, Errorf(ErrInvalid, "stored ballot choice %d for %q: %s", id, key, msg)
	}
	b.marks = append(b.marks, mark{uint16(i), choice})
	return b, nil
}

// Decode returns a ballot's choices, e.g. for the published list of ballots.
// Positions left blank are absent.
func (p *BallotPaper) Decode(b Ballot) Choices {
	c := Choices{}
	for _, m := range b.marks {
		con := p.contests[m.contest]
		id := RON
		if m.choice != ronIndex {
			id = con.Candidates[m.choice]
		}
		c[con.Key] = append(c[con.Key], id)
	}
	return c
}

// ParseForm reads a submitted ballot form: the field named by each position key holds
// the chosen candidate ids in decimal, or RONFormValue; empty values are ignored, and
// fields that are not position keys (such as a CSRF token) are not read. The result
// still needs Validate.
func (p *BallotPaper) ParseForm(form map[string][]string) (Choices, error) {
	c := Choices{}
	var problems formProblems
	for _, con := range p.contests {
		for _, v := range form[con.Key] {
			switch v {
			case "":
			case RONFormValue:
				c[con.Key] = append(c[con.Key], RON)
			default:
				id, err := strconv.ParseInt(v, 10, 64)
				if err != nil || id <= 0 {
					problems.add(con.Key, "The ballot form for %s was changed or damaged. Reload the page and vote again.", con.Title)
					continue
				}
				c[con.Key] = append(c[con.Key], id)
			}
		}
	}
	if err := problems.err(); err != nil {
		return nil, err
	}
	return c, nil
}
