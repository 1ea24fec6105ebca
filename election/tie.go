package election

import (
	"fmt"
	"slices"
	"strings"
)

// Tie is a tie that decides seats: Candidates (ids; RON when Re-open nominations is
// among them) all have Votes votes, and Seats of the position's seats go to Seats of
// them. It is never broken by the software.
type Tie struct {
	Candidates []int64
	Votes      int
	Seats      int
}

// Resolution is one committee decision by lot, kept in the result so the published
// count shows how each tied seat was filled.
type Resolution struct {
	// Winner won the lot (RON: the seat stays empty).
	Winner int64
	// Tied lists everyone in the draw.
	Tied []int64
	// Reason is the committee's record of the draw (who drew, how, when).
	Reason string
}

// ResolveTie applies the committee's decision by lot for position key: winner, one
// of the tied, takes one tied seat. A tie for several seats takes one call per seat.
// To recount, tally again and replay the recorded resolutions in order.
func (r *Result) ResolveTie(key string, winner int64, reason string) error {
	pr := r.Position(key)
	switch {
	case pr == nil:
		return Errorf(ErrNotFound, "there is no position %q in this election", key)
	case pr.Tie == nil:
		return Errorf(ErrConflict, "%s has no unresolved tie", pr.Title)
	case strings.TrimSpace(reason) == "":
		return Errorf(ErrInvalid, "give the reason for resolving the tie for %s, e.g. how and by whom the lot was drawn; it is published and audit-logged", pr.Title)
	case !slices.Contains(pr.Tie.Candidates, winner):
		return Errorf(ErrInvalid, "%s is not in the tie for %s; the tied are %s",
			choiceName(winner), pr.Title, choiceNames(pr.Tie.Candidates))
	}
	pr.Resolutions = append(pr.Resolutions, Resolution{Winner: winner, Tied: slices.Clone(pr.Tie.Candidates), Reason: reason})
	pr.elect(winner)
	pr.Tie.Candidates = slices.DeleteFunc(pr.Tie.Candidates, func(id int64) bool { return id == winner })
	pr.Tie.Seats--
	if pr.Tie.Seats == 0 {
		pr.Tie = nil
	}
	pr.countEmpty()
	return nil
}

// Unresolved returns the positions with a tie still to resolve.
func (r *Result) Unresolved() []*PositionResult {
	var out []*PositionResult
	for i := range r.Positions {
		if r.Positions[i].Tie != nil {
			out = append(out, &r.Positions[i])
		}
	}
	return out
}

// CheckPublishable returns ErrTieUnresolved, naming every position concerned and the
// command that records its draw in election slug, while any tie decides a seat: results
// with an open tie must not be published.
func (r *Result) CheckPublishable(slug string) error {
	open := r.Unresolved()
	if len(open) == 0 {
		return nil
	}
	parts := make([]string, len(open))
	for i, pr := range open {
		parts[i] = fmt.Sprintf("%s (%s tied on %d votes for %d %s: `civivote tally %s --resolve-tie %s --winner CANDIDATE --reason TEXT`)",
			pr.Title, choiceNames(pr.Tie.Candidates), pr.Tie.Votes, pr.Tie.Seats, plural(pr.Tie.Seats, "seat", "seats"), slug, pr.Key)
	}
	return Errorf(ErrTieUnresolved, "results cannot be published while ties decide seats: %s; "+
		"the committee draws lots and records each draw with the command given", strings.Join(parts, "; "))
}

func choiceName(id int64) string {
	if id == RON {
		return "Re-open nominations"
	}
	return fmt.Sprintf("candidate %d", id)
}

func choiceNames(ids []int64) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = choiceName(id)
	}
	return strings.Join(names, ", ")
}
