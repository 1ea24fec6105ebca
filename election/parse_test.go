package election

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fixtureDir holds the shared election fixtures, relative to this package.
const fixtureDir = "../../shared/elections"

// mustFixture parses a shared fixture. The fixtures live outside the module; a
// checkout without them skips locally, but CI must have them.
func mustFixture(tb testing.TB, name string) *Definition {
	tb.Helper()
	path := filepath.Join(fixtureDir, name)
	f, err := os.Open(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("fixture %s is missing under CI: %v", path, err)
		}
		tb.Skipf("fixture %s not found (%v); it ships in /work/shared/elections next to the module", path, err)
	}
	defer f.Close()
	def, err := Parse(f, name)
	if err != nil {
		tb.Fatalf("fixture %s does not parse:\n%v", name, err)
	}
	return def
}

// mustParse parses YAML text that the test expects to be valid.
func mustParse(tb testing.TB, src string) *Definition {
	tb.Helper()
	def, err := Parse(strings.NewReader(src), "test.yaml")
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return def
}

const validYAML = `slug: test-2023
title: Test Election
timezone: Europe/London
nominations: {opens: 2022-12-27T00:00, closes: 2023-01-31T23:59}
voting:      {opens: 2023-02-01T00:01, closes: 2023-02-28T23:59}
tenure_starts: 2023-03-01
statement_max_words: 300
one_position_per_member: true
reopen_nominations: true
positions:
  - key: treasurer
    title: Treasurer
    seats: 1
    tenure_months: 24
    co_officership: true
    declarations: []
  - key: board
    title: Board
    seats: 3
    tenure_months: 12
`

func TestParseFixtures(t *testing.T) {
	wise := mustFixture(t, "wise-ra-2023.yaml")
	if got := len(wise.Positions); got != 17 {
		t.Errorf("wise-ra-2023 has %d positions, want 17", got)
	}
	checks := []struct {
		name string
		got  time.Time
		want string
	}{
		{"wise nominations opens", wise.Nominations.Opens, "2022-12-27T00:00:00Z"},
		{"wise voting opens", wise.Voting.Opens, "2023-02-01T00:01:00Z"},
		{"wise voting closes", wise.Voting.Closes, "2023-02-28T23:59:00Z"},
	}
	wsn := mustFixture(t, "wsn-board-2024.yaml")
	checks = append(checks, []struct {
		name string
		got  time.Time
		want string
	}{
		// Vancouver is UTC-8 before 2024-03-10 and UTC-7 after it.
		{"wsn voting opens (PST)", wsn.Voting.Opens, "2024-03-04T17:00:00Z"},
		{"wsn voting closes (PDT)", wsn.Voting.Closes, "2024-03-16T00:00:00Z"},
	}...)
	for _, c := range checks {
		if got := c.got.Format(time.RFC3339); got != c.want {
			t.Errorf("%s = %s, want %s", c.name, got, c.want)
		}
	}
	if p, ok := wsn.Position("board-at-large"); !ok || p.Seats != 5 {
		t.Errorf("wsn board-at-large = %+v, %v; want 5 seats", p, ok)
	}
	eq, _ := wise.Position("equalities-officer")
	if len(eq.Declarations) != 1 || !eq.CoOfficership {
		t.Errorf("equalities-officer = %+v; want one declaration and co-officership", eq)
	}
	if wise.TenureStarts != (Date{2023, time.March, 1}) || !wise.ReopenNominations || wise.StatementMaxWords != 300 {
		t.Errorf("wise header fields wrong: %+v", wise)
	}
}

// TestParseProblems changes one thing in a valid file and expects the problem, with
// its position, in the error.
func TestParseProblems(t *testing.T) {
	cases := []struct {
		name, old, new string
		want           []string
	}{
		{"unknown field", "reopen_nominations: true", "reopen_nomination: true",
			[]string{"test.yaml:9:1: reopen_nomination is not a known field (did you mean reopen_nominations?)"}},
		{"seats zero", "seats: 3", "seats: 0", []string{"test.yaml:19:12: positions[1].seats must be at least 1, got 0"}},
		{"seats not a number", "seats: 3", "seats: three", []string{`positions[1].seats must be a whole number, got "three"`}},
		{"duplicate key", "key: board", "key: treasurer", []string{
			`test.yaml:17:10: positions[1].key "treasurer" is already used by positions[0]`}},
		{"key not URL-safe", "key: board", "key: Board Member", []string{
			`positions[1].key "Board Member" must be at most 64 lowercase letters`, `for example "board-member"`}},
		{"slug too long", "slug: test-2023", "slug: " + strings.Repeat("a", 65), []string{"test.yaml:1:7: slug"}},
		{"slug trailing hyphen", "slug: test-2023", "slug: test-", []string{`slug "test-" must be`}},
		{"title missing", "title: Test Election\n", "", []string{"test.yaml:1:1: title is missing"}},
		{"position title empty", "title: Board", "title: ''", []string{"positions[1].title is empty"}},
		{"bad zone", "Europe/London", "Europe/Londres", []string{`test.yaml:3:11: timezone "Europe/Londres" is not an IANA time zone`}},
		{"bad time", "opens: 2023-02-01T00:01", "opens: 1 Feb 2023", []string{
			`test.yaml:5:22: voting.opens: "1 Feb 2023" is not a local time written YYYY-MM-DDTHH:MM`}},
		{"nominations reversed", "closes: 2023-01-31T23:59", "closes: 2022-12-01T00:00", []string{
			"nominations.closes (2022-12-01T00:00) must be after nominations.opens (2022-12-27T00:00)"}},
		{"windows overlap", "opens: 2023-02-01T00:01", "opens: 2023-01-30T00:00", []string{
			"test.yaml:5:22: voting.opens (2023-01-30T00:00) must not be before nominations.closes (2023-01-31T23:59)"}},
		{"voting reversed", "closes: 2023-02-28T23:59", "closes: 2023-02-01T00:01", []string{
			"voting.closes (2023-02-01T00:01) must be after voting.opens (2023-02-01T00:01)"}},
		{"roll closes late", "positions:", "roll_closes: 2023-03-01T00:00\npositions:", []string{
			"roll_closes (2023-03-01T00:00) must not be after voting.closes"}},
		{"tenure too early", "tenure_starts: 2023-03-01", "tenure_starts: 2023-02-28", []string{
			"tenure_starts (2023-02-28) must be a day after voting closes (2023-02-28)"}},
		{"tenure not a date", "tenure_starts: 2023-03-01", "tenure_starts: 2023-02-30", []string{`"2023-02-30" is not a date`}},
		{"words zero", "statement_max_words: 300", "statement_max_words: 0", []string{"statement_max_words must be at least 1, got 0"}},
		{"tenure months zero", "tenure_months: 12", "tenure_months: 0", []string{"positions[1].tenure_months must be at least 1, got 0"}},
		{"co-officership with seats", "tenure_months: 12", "tenure_months: 12\n    co_officership: true", []string{
			"positions[1].co_officership only applies to a one-seat position", "seats is 3"}},
		{"empty declaration", "declarations: []", "declarations: ['  ']", []string{"positions[0].declarations[0] is empty"}},
		{"bool spelt yes", "reopen_nominations: true", "reopen_nominations: yes", []string{`reopen_nominations must be true or false, got "yes"`}},
		{"challenged not bool", "positions:", "challenged_ballots: 1\npositions:", []string{"challenged_ballots must be true or false"}},
		{"duplicate field", "statement_max_words: 300", "statement_max_words: 300\nstatement_max_words: 200", []string{
			"statement_max_words is given twice (first at line 7)"}},
		{"spring-forward gap", "opens: 2023-02-01T00:01", "opens: 2023-03-26T01:30", []string{
			"2023-03-26T01:30 does not exist in Europe/London", "such as 02:30"}},
		{"fall-back ambiguous", "closes: 2023-01-31T23:59", "closes: 2022-10-30T01:30", []string{
			"2022-10-30T01:30 happens twice in Europe/London", "01:30 BST (00:30 UTC)", "01:30 GMT (01:30 UTC)"}},
		{"positions empty", "positions:", "positions: []\nx:", []string{"positions is empty"}},
		{"window not a mapping", "voting:      {opens: 2023-02-01T00:01, closes: 2023-02-28T23:59}", "voting: tomorrow", []string{
			"voting must be a mapping of fields"}},
		{"not YAML", "title: Test Election", "title: [Test", []string{"test.yaml:", "this is not valid YAML"}},
		{"two documents", "positions:", "---\nslug: x\n---\npositions:", []string{"more than one YAML document"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(validYAML, c.old, c.new, 1)
			if src == validYAML {
				t.Fatalf("test case does not change the file: %q not found", c.old)
			}
			_, err := Parse(strings.NewReader(src), "test.yaml")
			if err == nil {
				t.Fatal("Parse accepted the file")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error is not ErrInvalid: %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q; got:\n%v", w, err)
				}
			}
		})
	}
}

func TestParseReportsAllProblemsInFileOrder(t *testing.T) {
	src := strings.NewReplacer("seats: 3", "seats: 0", "title: Treasurer", "title:", "slug: test-2023", "slug: Test").Replace(validYAML)
	_, err := Parse(strings.NewReader(src), "wise.yaml")
	var de *DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("want *DefinitionError, got %v", err)
	}
	var got []string
	for _, p := range de.Problems {
		got = append(got, p.String()[:strings.Index(p.String(), ": ")])
	}
	want := []string{"wise.yaml:1:7", "wise.yaml:12:11", "wise.yaml:19:12"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("problem positions = %v, want %v\n%v", got, want, err)
	}
}

func TestParseOptionalFields(t *testing.T) {
	def := mustParse(t, strings.Replace(validYAML, "positions:", "roll_closes: 2023-01-31T23:59\nchallenged_ballots: true\npositions:", 1))
	if got := def.RollCloses.Format(time.RFC3339); got != "2023-01-31T23:59:00Z" {
		t.Errorf("RollCloses = %s", got)
	}
	if !def.ChallengedBallots {
		t.Error("ChallengedBallots = false, want true")
	}
	plain := mustParse(t, validYAML)
	if !plain.RollCloses.IsZero() || plain.ChallengedBallots {
		t.Errorf("absent optional fields should be zero: %v %v", plain.RollCloses, plain.ChallengedBallots)
	}
}

func TestHash(t *testing.T) {
	base := mustParse(t, validYAML).Hash()
	same := []string{
		"# a comment\n" + validYAML,
		strings.Replace(validYAML, "slug: test-2023\ntitle: Test Election", "title: 'Test Election'\nslug: test-2023", 1),
		strings.Replace(validYAML, "voting:      {opens: 2023-02-01T00:01, closes: 2023-02-28T23:59}",
			"voting:\n  closes: 2023-02-28T23:59\n  opens: 2023-02-01T00:01", 1),
		strings.Replace(validYAML, "    declarations: []\n", "", 1),
	}
	for i, src := range same {
		if got := mustParse(t, src).Hash(); got != base {
			t.Errorf("variant %d: hash changed for an equivalent file", i)
		}
	}
	changed := []string{
		strings.Replace(validYAML, "seats: 3", "seats: 2", 1),
		strings.Replace(validYAML, "Europe/London", "Europe/Dublin", 1),
		strings.Replace(validYAML, "title: Board", "title: Board ", 1) + "    description: Runs things.\n",
		strings.Replace(validYAML, "reopen_nominations: true", "reopen_nominations: false", 1),
	}
	for i, src := range changed {
		if got := mustParse(t, src).Hash(); got == base {
			t.Errorf("change %d: hash did not change", i)
		}
	}
}
