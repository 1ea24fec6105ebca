package election

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestCheckVotingOpen(t *testing.T) {
	e := &Election{ID: 1, Definition: mustFixture(t, "wise-ra-2023.yaml")}
	cases := []struct {
		state State
		now   string
		msg   string // "" = open
	}{
		{VotingOpen, "2023-02-01T00:01:00Z", ""},
		{VotingOpen, "2023-02-28T23:58:59Z", ""},
		{NominationsClosed, "2023-02-01T00:01:30Z", "Voting is not open yet. It opens on Wednesday 1 February 2023, 00:01 GMT."},
		{VotingOpen, "2023-02-01T00:00:00Z", "not open yet"},
		{VotingOpen, "2023-02-28T23:59:00Z", "Voting closed on Tuesday 28 February 2023, 23:59 GMT."},
		{VotingClosed, "2023-02-20T00:00:00Z", "Voting closed"},
		{ResultsPublished, "2023-03-20T00:00:00Z", "Voting closed"},
	}
	for _, c := range cases {
		e.State = c.state
		err := e.CheckVotingOpen(utc(t, c.now))
		switch {
		case c.msg == "" && err != nil:
			t.Errorf("%s at %s: %v", c.state, c.now, err)
		case c.msg != "" && (!errors.Is(err, ErrWindowClosed) || !strings.Contains(err.Error(), c.msg)):
			t.Errorf("%s at %s: err = %v, want ErrWindowClosed %q", c.state, c.now, err, c.msg)
		}
	}
	e.State = NominationsOpen
	if err := e.CheckNominationsOpen(utc(t, "2023-01-05T10:00:00Z")); err != nil {
		t.Errorf("CheckNominationsOpen: %v", err)
	}
	if got := e.Steps(utc(t, "2023-02-02T00:00:00Z")); !slices.Equal(got, []State{NominationsClosed, VotingOpen}) {
		t.Errorf("Steps = %v", got)
	}
	if got := e.Due(utc(t, "2023-02-02T00:00:00Z")); got != VotingOpen {
		t.Errorf("Due = %v", got)
	}
}

func TestRollOpen(t *testing.T) {
	def := mustParse(t, validYAML)
	if !def.RollOpen(utc(t, "2023-02-27T00:00:00Z")) {
		t.Error("without roll_closes the roll never closes")
	}
	def = mustParse(t, strings.Replace(validYAML, "positions:", "roll_closes: 2023-01-31T23:59\npositions:", 1))
	if !def.RollOpen(utc(t, "2023-01-31T23:58:59Z")) || def.RollOpen(utc(t, "2023-01-31T23:59:00Z")) {
		t.Error("roll_closes is not applied at the minute")
	}
}

func TestChallengesCouldChange(t *testing.T) {
	contests := []Contest{
		{Key: "close", Title: "Close", Seats: 1, Candidates: []int64{1, 2}},
		{Key: "safe", Title: "Safe", Seats: 1, Candidates: []int64{3, 4}},
		{Key: "vacant", Title: "Vacant", Seats: 2, Candidates: []int64{5, 6}},
		{Key: "unopposed", Title: "Unopposed", Seats: 1, Candidates: []int64{7}},
		{Key: "ron", Title: "RON", Seats: 1, Candidates: []int64{8}, ReopenNominations: true},
	}
	var ballots []Choices
	ballots = append(ballots, repeat(5, Choices{"close": {1}, "safe": {3}, "vacant": {5}, "unopposed": {7}, "ron": {RON}})...)
	ballots = append(ballots, repeat(3, Choices{"close": {2}, "ron": {8}})...)
	r := tally(t, contests, 100, ballots...)
	cases := []struct {
		open int
		want []string
	}{
		{0, nil},
		{1, []string{"vacant"}},
		{2, []string{"close", "vacant", "ron"}},
		{5, []string{"close", "safe", "vacant", "ron"}},
	}
	for _, c := range cases {
		if got := r.ChallengesCouldChange(c.open); !slices.Equal(got, c.want) {
			t.Errorf("ChallengesCouldChange(%d) = %v, want %v", c.open, got, c.want)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	kinds := []error{ErrInvalid, ErrNotFound, ErrConflict, ErrAlreadyVoted, ErrWindowClosed, ErrWrongState, ErrTieUnresolved}
	for _, k := range kinds {
		err := Errorf(k, "member %d: something", 7)
		if !errors.Is(err, k) || err.Error() != "member 7: something" {
			t.Errorf("Errorf(%v) = %v", k, err)
		}
		for _, other := range kinds {
			if other != k && errors.Is(err, other) {
				t.Errorf("an %v error also matches %v", k, other)
			}
		}
		wrapped := errors.Join(errors.New("context"), err)
		if !errors.Is(wrapped, k) {
			t.Errorf("wrapped %v lost its kind", k)
		}
	}
	fe := &FormError{Problems: []FieldError{{"a", "A is wrong."}, {"b", "B is wrong."}}}
	if !errors.Is(fe, ErrInvalid) || fe.Error() != "A is wrong.\nB is wrong." || fe.Field("b") != "B is wrong." || fe.Field("c") != "" {
		t.Errorf("FormError = %v", fe)
	}
	de := &DefinitionError{Problems: []Problem{{File: "f.yaml", Line: 2, Column: 3, Message: "x"}, {File: "f.yaml", Line: 4, Message: "y"}, {File: "f.yaml", Message: "z"}}}
	if !errors.Is(de, ErrInvalid) || de.Error() != "f.yaml:2:3: x\nf.yaml:4: y\nf.yaml: z" {
		t.Errorf("DefinitionError = %q", de.Error())
	}
}
