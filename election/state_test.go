package election

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func utc(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestDue(t *testing.T) {
	def := mustParse(t, validYAML) // Europe/London, GMT in winter: local = UTC
	cases := []struct {
		now  string
		want State
	}{
		{"2022-12-26T23:59:59Z", Draft},
		{"2022-12-27T00:00:00Z", NominationsOpen},
		{"2023-01-31T23:58:59Z", NominationsOpen},
		{"2023-01-31T23:59:00Z", NominationsClosed},
		{"2023-02-01T00:00:59Z", NominationsClosed},
		{"2023-02-01T00:01:00Z", VotingOpen},
		{"2023-02-28T23:58:59Z", VotingOpen},
		{"2023-02-28T23:59:00Z", VotingClosed},
		{"2030-01-01T00:00:00Z", VotingClosed}, // never results published by clock
	}
	for _, c := range cases {
		if got := def.Due(utc(t, c.now)); got != c.want {
			t.Errorf("Due(%s) = %s, want %s", c.now, got, c.want)
		}
	}
}

func TestDueAcrossDST(t *testing.T) {
	wsn := mustFixture(t, "wsn-board-2024.yaml")
	// Voting closes 2024-03-15T17:00 Vancouver, after clocks went forward: 00:00 UTC.
	if got := wsn.Due(utc(t, "2024-03-15T23:59:59Z")); got != VotingOpen {
		t.Errorf("one second before close: %s, want voting_open", got)
	}
	if got := wsn.Due(utc(t, "2024-03-16T00:00:00Z")); got != VotingClosed {
		t.Errorf("at close: %s, want voting_closed", got)
	}
}

func TestSteps(t *testing.T) {
	def := mustParse(t, validYAML)
	cases := []struct {
		current State
		now     string
		want    []State
	}{
		{Draft, "2022-12-01T00:00:00Z", nil},
		{Draft, "2022-12-27T00:00:00Z", []State{NominationsOpen}},
		// Down for the whole nominations window: every step still runs, in order.
		{Draft, "2023-02-10T00:00:00Z", []State{NominationsOpen, NominationsClosed, VotingOpen}},
		{Draft, "2023-06-01T00:00:00Z", []State{NominationsOpen, NominationsClosed, VotingOpen, VotingClosed}},
		{VotingOpen, "2023-02-10T00:00:00Z", nil},
		// Committee advanced early: the clock does not pull it back.
		{VotingOpen, "2023-01-10T00:00:00Z", nil},
		{ResultsPublished, "2023-06-01T00:00:00Z", nil},
	}
	for _, c := range cases {
		if got := def.Steps(c.current, utc(t, c.now)); !slices.Equal(got, c.want) {
			t.Errorf("Steps(%s, %s) = %v, want %v", c.current, c.now, got, c.want)
		}
	}
}

func TestCanAdvance(t *testing.T) {
	all := States()
	for i, from := range all {
		for j, to := range all {
			if got, want := CanAdvance(from, to), j == i+1; got != want {
				t.Errorf("CanAdvance(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	if CanAdvance("bogus", NominationsOpen) {
		t.Error("CanAdvance from an unknown state")
	}
}

func TestParseState(t *testing.T) {
	for _, s := range States() {
		got, err := ParseState(string(s))
		if err != nil || got != s {
			t.Errorf("ParseState(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseState("open"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseState(open) err = %v, want ErrInvalid", err)
	}
	// Stored values must never change.
	want := "draft nominations_open nominations_closed voting_open voting_closed results_published written_back"
	var got []string
	for _, s := range States() {
		got = append(got, string(s))
	}
	if strings.Join(got, " ") != want {
		t.Errorf("state values = %v", got)
	}
}

func TestManualAdvance(t *testing.T) {
	cases := []struct {
		from   State
		reason string
		want   State
		kind   error
	}{
		{Draft, "committee agreed to open early", NominationsOpen, nil},
		{NominationsOpen, "x", NominationsClosed, nil},
		{VotingOpen, "emergency close agreed at DEC", VotingClosed, nil},
		{Draft, "", "", ErrInvalid},
		{VotingClosed, "publish", "", ErrWrongState},
		{WrittenBack, "again", "", ErrWrongState},
	}
	for _, c := range cases {
		got, err := ManualAdvance(c.from, c.reason)
		if got != c.want || (c.kind == nil) != (err == nil) || (c.kind != nil && !errors.Is(err, c.kind)) {
			t.Errorf("ManualAdvance(%s, %q) = %q, %v; want %q, %v", c.from, c.reason, got, err, c.want, c.kind)
		}
	}
}

func TestPlanApply(t *testing.T) {
	def := mustParse(t, validYAML)
	again := mustParse(t, "# reformatted\n"+validYAML)
	changed := mustParse(t, strings.Replace(validYAML, "seats: 3", "seats: 4", 1))
	cases := []struct {
		name     string
		existing *Definition
		state    State
		incoming *Definition
		want     Change
		kind     error
	}{
		{"new", nil, "", def, Create, nil},
		{"same file while draft", def, Draft, again, Unchanged, nil},
		{"same file after voting", def, VotingOpen, again, Unchanged, nil},
		{"changed while draft", def, Draft, changed, Update, nil},
		{"changed after nominations open", def, NominationsOpen, changed, 0, ErrWrongState},
	}
	for _, c := range cases {
		got, err := PlanApply(c.existing, c.state, c.incoming)
		if got != c.want || (c.kind == nil) != (err == nil) || (c.kind != nil && !errors.Is(err, c.kind)) {
			t.Errorf("%s: PlanApply = %v, %v; want %v, %v", c.name, got, err, c.want, c.kind)
		}
		if err != nil && !strings.Contains(err.Error(), "only while the election is a draft") {
			t.Errorf("%s: message does not explain the rule: %v", c.name, err)
		}
	}
}
