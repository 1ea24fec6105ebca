package election

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testPaper has a one-seat position with RON, a two-seat co-officership, and a
// position without RON.
func testPaper(tb testing.TB) *BallotPaper {
	tb.Helper()
	p, err := NewBallotPaper([]Contest{
		{Key: "secretary", Title: "Secretary", Seats: 1, Candidates: []int64{11, 12, 13}, ReopenNominations: true},
		{Key: "treasurer", Title: "Treasurer", Seats: 2, Candidates: []int64{21, 22, 23}, ReopenNominations: true},
		{Key: "board", Title: "Board", Seats: 3, Candidates: []int64{31, 32, 33, 34}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestValidateBallot(t *testing.T) {
	p := testPaper(t)
	cases := []struct {
		name   string
		c      Choices
		fields map[string]string // position key -> message substring; nil = valid
	}{
		{"all blank", Choices{}, nil},
		{"blank lists", Choices{"secretary": {}, "board": nil}, nil},
		{"one each", Choices{"secretary": {12}, "treasurer": {21, 23}, "board": {31, 32, 34}}, nil},
		{"RON alone", Choices{"secretary": {RON}}, nil},
		{"RON with a candidate in two seats", Choices{"treasurer": {RON, 22}}, nil},
		{"fewer than seats", Choices{"board": {33}}, nil},
		{"unknown position", Choices{"king": {1}}, map[string]string{"king": "not in this election"}},
		{"unknown candidate", Choices{"secretary": {99}}, map[string]string{"secretary": "not a candidate for Secretary"}},
		{"candidate of another position", Choices{"secretary": {21}}, map[string]string{"secretary": "not a candidate"}},
		{"duplicate", Choices{"treasurer": {21, 21}}, map[string]string{"treasurer": "same option twice"}},
		{"duplicate RON", Choices{"treasurer": {RON, RON}}, map[string]string{"treasurer": "same option twice"}},
		{"too many", Choices{"secretary": {11, 12}}, map[string]string{"secretary": "You chose 2 for Secretary, which elects 1. Choose at most 1."}},
		{"RON and candidate over seats", Choices{"secretary": {RON, 11}}, map[string]string{"secretary": "Choose at most 1"}},
		{"RON not offered", Choices{"board": {RON}}, map[string]string{"board": "Re-open nominations is not a choice for Board"}},
		{"every problem at once", Choices{"secretary": {11, 12}, "board": {RON}},
			map[string]string{"secretary": "at most 1", "board": "Re-open nominations"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := p.Validate(c.c)
			if c.fields == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var fe *FormError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want a FormError", err)
			}
			for f, w := range c.fields {
				if !strings.Contains(fe.Field(f), w) {
					t.Errorf("field %s: %q lacks %q", f, fe.Field(f), w)
				}
			}
		})
	}
	// The package-level form builds the paper itself.
	if err := ValidateBallot(p.Contests(), Choices{"secretary": {11, 12}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("ValidateBallot err = %v", err)
	}
}

func TestEncodeDecode(t *testing.T) {
	p := testPaper(t)
	c := Choices{"board": {34, 31}, "secretary": {RON}, "treasurer": {22}}
	b, err := p.Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, p.Decode(b)); diff != "" {
		t.Errorf("Decode(Encode(c)) differs (-want +got):\n%s", diff)
	}
	if got := p.Decode(Ballot{}); len(got) != 0 {
		t.Errorf("zero Ballot decodes to %v, want all blank", got)
	}
}

func TestAppendChoice(t *testing.T) {
	p := testPaper(t)
	var b Ballot
	var err error
	for _, ch := range []struct {
		key string
		id  int64
	}{{"treasurer", 21}, {"treasurer", RON}, {"board", 33}} {
		if b, err = p.AppendChoice(b, ch.key, ch.id); err != nil {
			t.Fatal(err)
		}
	}
	want := Choices{"treasurer": {21, RON}, "board": {33}}
	if diff := cmp.Diff(want, p.Decode(b)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := p.AppendChoice(b, "king", 1); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown position err = %v", err)
	}
	if _, err := p.AppendChoice(b, "board", RON); !errors.Is(err, ErrInvalid) {
		t.Errorf("RON where not offered err = %v", err)
	}
}

func TestParseForm(t *testing.T) {
	p := testPaper(t)
	got, err := p.ParseForm(map[string][]string{
		"secretary": {"RON"}, "treasurer": {"21", "", "23"}, "board": {""}, "csrf": {"xyz"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Choices{"secretary": {RON}, "treasurer": {21, 23}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"abc", "-3", "0", "1e3", "ron"} {
		if _, err := p.ParseForm(map[string][]string{"board": {bad}}); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseForm(%q) err = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestNewBallotPaperRejects(t *testing.T) {
	cases := map[string][]Contest{
		"duplicate key":       {{Key: "a", Seats: 1}, {Key: "a", Seats: 1}},
		"zero seats":          {{Key: "a", Seats: 0}},
		"duplicate candidate": {{Key: "a", Seats: 1, Candidates: []int64{5, 5}}},
		"RON id as candidate": {{Key: "a", Seats: 1, Candidates: []int64{RON}}},
	}
	for name, cs := range cases {
		if _, err := NewBallotPaper(cs); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

func TestContests(t *testing.T) {
	def := mustParse(t, validYAML)
	cands := []Candidate{
		{ID: 3, Name: "Zed", PositionKey: "treasurer", Status: Accepted, CoOfficershipConsent: true},
		{ID: 1, Name: "Ann", PositionKey: "treasurer", Status: Accepted, CoOfficershipConsent: true},
		{ID: 2, Name: "Bob", PositionKey: "treasurer", Status: Pending},
		{ID: 4, Name: "Cat", PositionKey: "board", Status: Rejected},
		{ID: 5, Name: "Ann", PositionKey: "board", Status: Accepted},
	}
	want := []Contest{
		{Key: "treasurer", Title: "Treasurer", Seats: 2, Candidates: []int64{1, 3}, ReopenNominations: true},
		{Key: "board", Title: "Board", Seats: 3, Candidates: []int64{5}, ReopenNominations: true},
	}
	if diff := cmp.Diff(want, def.Contests(cands)); diff != "" {
		t.Errorf("Contests (-want +got):\n%s", diff)
	}
}
