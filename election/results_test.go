package election

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var testKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// definitionFor makes a definition whose positions are the contests.
func definitionFor(tb testing.TB, contests []Contest) *Definition {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		tb.Fatal(err)
	}
	d := &Definition{
		Slug: "random", Title: "Random election", Timezone: "Europe/London", Location: loc,
		Voting:       Window{Opens: time.Date(2023, 2, 1, 0, 1, 0, 0, time.UTC), Closes: time.Date(2023, 6, 28, 22, 59, 0, 0, time.UTC)},
		TenureStarts: Date{2023, 7, 1},
	}
	for i, c := range contests {
		d.Positions = append(d.Positions, Position{Key: c.Key, Title: c.Title, Seats: c.Seats, TenureMonths: 12 * (1 + i%2)})
	}
	return d
}

// resolveAll resolves every open tie by giving each tied seat to the first tied.
func resolveAll(tb testing.TB, r *Result) {
	tb.Helper()
	for _, pr := range r.Unresolved() {
		for pr.Tie != nil {
			if err := r.ResolveTie(pr.Key, pr.Tie.Candidates[0], "drawn from a hat by the returning officer"); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

func namesFor(contests []Contest) map[int64]string {
	hostile := []string{"=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "<script>alert(1)</script>", "Zoë, \"Z\" O'Brien\nline two"}
	names := map[int64]string{}
	for _, c := range contests {
		for _, id := range c.Candidates {
			names[id] = hostile[int(id)%len(hostile)]
		}
	}
	return names
}

func randomInput(tb testing.TB, rng *rand.Rand) (ResultsInput, []Choices) {
	tb.Helper()
	contests := randomContests(rng, 1+rng.IntN(6))
	paper, err := NewBallotPaper(contests)
	if err != nil {
		tb.Fatal(err)
	}
	choices := make([]Choices, rng.IntN(40))
	ballots := make([]Ballot, len(choices))
	for i := range choices {
		choices[i] = randomChoices(rng, contests)
		if ballots[i], err = paper.Encode(choices[i]); err != nil {
			tb.Fatal(err)
		}
	}
	r, err := Tally(paper, slices.Values(ballots), 40+rng.IntN(100))
	if err != nil {
		tb.Fatal(err)
	}
	resolveAll(tb, r)
	return ResultsInput{
		Election: &Election{ID: 1, State: VotingClosed, Definition: definitionFor(tb, contests)},
		Result:   r, Names: namesFor(contests), Contests: contests,
		BallotsSHA256: sha256.Sum256([]byte("ballots")),
		Challenges:    ChallengeCounts{Accepted: rng.IntN(3), Rejected: rng.IntN(3), Open: rng.IntN(3)},
		PublishedAt:   time.Date(2023, 3, 1, 9, 30, 15, 123456789, time.UTC),
		Revision:      1 + rng.IntN(3),
	}, choices
}

var equateTimes = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func TestResultsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(2023, 7))
	for round := range 200 {
		in, _ := randomInput(t, rng)
		p, err := BuildPublication(in, testKey)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		doc, err := ParseResults(p.ResultsJSON)
		if err != nil {
			t.Fatalf("round %d: %v\n%s", round, err, p.ResultsJSON)
		}
		want, err := newResultsDoc(in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, doc, equateTimes); diff != "" {
			t.Fatalf("round %d: results.json does not round-trip (-built +parsed):\n%s", round, diff)
		}
		// The parsed document encodes to the same bytes: the format is canonical.
		var again bytes.Buffer
		enc := json.NewEncoder(&again)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil || !bytes.Equal(again.Bytes(), p.ResultsJSON) {
			t.Fatalf("round %d: re-encoding the parsed results gave other bytes (%v)", round, err)
		}
		// It says what the count says.
		for i, pr := range in.Result.Positions {
			pd := doc.Positions[i]
			if pd.RONVotes != pr.RONVotes || pd.Abstentions != pr.Abstentions || pd.ValidVotes != pr.ValidVotes ||
				pd.EmptySeats != pr.EmptySeats || pd.RONElected != pr.RONElected || len(pd.Resolutions) != len(pr.Resolutions) {
				t.Fatalf("round %d %s: published %+v, counted %+v", round, pr.Key, pd, pr)
			}
			for j, c := range pr.Candidates {
				if pd.Candidates[j].Votes != c.Votes || pd.Candidates[j].Elected != c.Elected || pd.Candidates[j].Name != in.Names[c.ID] {
					t.Fatalf("round %d %s: candidate %d published as %+v", round, pr.Key, c.ID, pd.Candidates[j])
				}
			}
		}
		// Same input, same bytes; digest and signature check out.
		p2, err := BuildPublication(in, testKey)
		if err != nil || !bytes.Equal(p.ResultsJSON, p2.ResultsJSON) || !bytes.Equal(p.ResultsCSV, p2.ResultsCSV) {
			t.Fatalf("round %d: building twice gave other bytes (%v)", round, err)
		}
		if p.ResultsSHA256 != sha256.Sum256(p.ResultsJSON) || p.BallotsSHA256 != in.BallotsSHA256 {
			t.Fatalf("round %d: digests do not match the bytes", round)
		}
		if !ed25519.Verify(p.SigningPublicKey, p.ResultsJSON, p.ResultsSignature) {
			t.Fatalf("round %d: the signature does not verify", round)
		}
	}
}

func TestResultsJSONForWSNBoard(t *testing.T) {
	def := mustFixture(t, "wsn-board-2024.yaml")
	var cands []Candidate
	for i := range 7 {
		cands = append(cands, Candidate{ID: int64(100 + i), Name: fmt.Sprintf("Member %c", 'A'+i), PositionKey: def.Positions[0].Key, Status: Accepted})
	}
	contests := def.Contests(cands)
	paper, err := NewBallotPaper(contests)
	if err != nil {
		t.Fatal(err)
	}
	var ballots []Ballot
	for i := range 1000 {
		c := Choices{}
		if i%10 != 0 {
			c[contests[0].Key] = []int64{100 + int64(i%7), 100 + int64((i+1)%7)}
		}
		b, err := paper.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		ballots = append(ballots, b)
	}
	r, err := Tally(paper, slices.Values(ballots), 2997)
	if err != nil {
		t.Fatal(err)
	}
	resolveAll(t, r)
	names := map[int64]string{}
	for _, c := range cands {
		names[c.ID] = c.Name
	}
	in := ResultsInput{Election: &Election{Definition: def}, Result: r, Names: names, Contests: contests,
		PublishedAt: time.Date(2024, 3, 20, 17, 0, 0, 0, time.UTC), Revision: 1}
	p, err := BuildPublication(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.ResultsSignature != nil || p.SigningPublicKey != nil {
		t.Error("unsigned publication carries a signature")
	}
	doc, err := ParseResults(p.ResultsJSON)
	if err != nil {
		t.Fatal(err)
	}
	js := string(p.ResultsJSON)
	for _, want := range []string{
		`"format": "civivote-results/1"`,
		`"timezone": "America/Vancouver"`,
		`"published_at": "2024-03-20T10:00:00-07:00"`, // daylight time in March
		`"turnout": "1000/2997"`,
		`"turnout_percent": "33.4%"`,
		`"id": "100"`,
		`"challenged_ballots": {`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("results.json lacks %s:\n%s", want, js)
		}
	}
	pos, _ := def.Position(contests[0].Key)
	if got, want := doc.Positions[0].TenureEnds, pos.TenureEnd(def.TenureStarts).String(); got != want {
		t.Errorf("tenure_ends %s, want %s", got, want)
	}
	if !strings.HasSuffix(doc.Election.VotingOpens.Format(time.RFC3339), "-08:00") {
		t.Errorf("voting opens %s, want Pacific standard time", doc.Election.VotingOpens.Format(time.RFC3339))
	}
	if doc.Name(contests[0].Key, 103) != "Member D" || doc.Name(contests[0].Key, RON) != "Re-open nominations" || doc.Name("nope", 5) != "candidate 5" {
		t.Error("Name does not find candidates' names")
	}
}

func TestPercentRoundsHalfUp(t *testing.T) {
	for _, c := range []struct {
		part, whole int
		want        string
	}{{0, 0, "0.0%"}, {0, 7, "0.0%"}, {1, 3, "33.3%"}, {2, 3, "66.7%"}, {1, 2000, "0.1%"}, {1, 2001, "0.0%"}, {7, 7, "100.0%"}, {1000, 2997, "33.4%"}} {
		if got := percent(c.part, c.whole); got != c.want {
			t.Errorf("percent(%d, %d) = %s, want %s", c.part, c.whole, got, c.want)
		}
	}
}

func TestBuildPublicationRefuses(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	base, _ := randomInput(t, rng)
	for base.Result.Positions[0].Candidates == nil {
		base, _ = randomInput(t, rng)
	}
	tied := &Result{Eligible: 3, BallotsCast: 2, Positions: slices.Clone(base.Result.Positions)}
	tied.Positions[0].Tie = &Tie{Candidates: []int64{base.Contests[0].Candidates[0]}, Votes: 1, Seats: 1}
	noName := map[int64]string{}
	for _, c := range []struct {
		name string
		edit func(*ResultsInput)
		key  ed25519.PrivateKey
		kind error
	}{
		{"open tie", func(in *ResultsInput) { in.Result = tied }, nil, ErrTieUnresolved},
		{"no revision", func(in *ResultsInput) { in.Revision = 0 }, nil, ErrInvalid},
		{"no time", func(in *ResultsInput) { in.PublishedAt = time.Time{} }, nil, ErrInvalid},
		{"no count", func(in *ResultsInput) { in.Result = nil }, nil, ErrInvalid},
		{"missing name", func(in *ResultsInput) { in.Names = noName }, nil, ErrInvalid},
		{"other paper", func(in *ResultsInput) { in.Contests = slices.Clone(in.Contests); in.Contests[0].Seats++ }, nil, ErrInvalid},
		{"short key", func(*ResultsInput) {}, ed25519.PrivateKey(testKey[:32]), ErrInvalid},
	} {
		in := base
		c.edit(&in)
		if _, err := BuildPublication(in, c.key); !errors.Is(err, c.kind) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.kind)
		}
	}
}

func TestParseResultsRefuses(t *testing.T) {
	in, _ := randomInput(t, rand.New(rand.NewPCG(3, 3)))
	p, err := BuildPublication(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	good := string(p.ResultsJSON)
	sum := hex.EncodeToString(in.BallotsSHA256[:])
	for name, bad := range map[string]string{
		"not json":       "<html>",
		"other format":   strings.Replace(good, ResultsFormat, "civivote-results/2", 1),
		"unknown field":  strings.Replace(good, `"revision"`, `"surprise": 1, "revision"`, 1),
		"trailing data":  good + "{}",
		"bad digest":     strings.Replace(good, sum, "abc", 1),
		"bad date":       strings.Replace(good, `"tenure_starts": "2023-07-01"`, `"tenure_starts": "2023-02-30"`, 1),
		"bad time zone":  strings.Replace(good, `"Europe/London"`, `"Mars/Olympus"`, 1),
		"bad choice id":  strings.Replace(good, `"elected": [`, `"elected": ["x",`, 1),
		"wrong type":     strings.Replace(good, `"revision": `, `"revision": "`, 1),
		"empty document": "",
	} {
		if bad == good {
			t.Fatalf("%s: the edit did not apply", name)
		}
		if _, err := ParseResults([]byte(bad)); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
}

func TestResultsCSV(t *testing.T) {
	contests := []Contest{
		{Key: "chair", Title: "=Chair", Seats: 1, Candidates: []int64{1, 2, 3, 4}, ReopenNominations: true},
		{Key: "board", Title: "Board", Seats: 2, Candidates: []int64{5, 6, 7, 8}},
	}
	paper, err := NewBallotPaper(contests)
	if err != nil {
		t.Fatal(err)
	}
	var ballots []Ballot
	for _, c := range []Choices{{"chair": {1}, "board": {5, 6}}, {"chair": {1}, "board": {5}}, {"chair": {RON}}, {}} {
		b, err := paper.Encode(c)
		if err != nil {
			t.Fatal(err)
		}
		ballots = append(ballots, b)
	}
	r, err := Tally(paper, slices.Values(ballots), 10)
	if err != nil {
		t.Fatal(err)
	}
	names := map[int64]string{1: "=HYPERLINK(\"http://evil\",\"x\")", 2: "+1", 3: "-2", 4: "@SUM(A1)", 5: "\tTab", 6: "\rCR", 7: "Ann, \"Nan\" O'Brien", 8: "Bo\nLine"}
	p, err := BuildPublication(ResultsInput{Election: &Election{Definition: definitionFor(t, contests)}, Result: r, Names: names,
		Contests: contests, PublishedAt: time.Now(), Revision: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(p.ResultsCSV, []byte("\r\n")) {
		t.Error("results.csv lines do not end in CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(p.ResultsCSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"position_key", "position_title", "seats", "choice_id", "choice_name", "votes", "elected"},
		{"chair", "'=Chair", "1", "1", `'=HYPERLINK("http://evil","x")`, "2", "yes"},
		{"chair", "'=Chair", "1", "2", "'+1", "0", "no"},
		{"chair", "'=Chair", "1", "3", "'-2", "0", "no"},
		{"chair", "'=Chair", "1", "4", "'@SUM(A1)", "0", "no"},
		{"chair", "'=Chair", "1", "RON", "Re-open nominations", "1", "no"},
		{"chair", "'=Chair", "1", "ABSTAIN", "Left blank (abstentions)", "1", "no"},
		{"board", "Board", "2", "5", "'\tTab", "2", "yes"},
		{"board", "Board", "2", "6", "'CR", "1", "yes"}, // in CRLF mode encoding/csv writes no lone CR
		{"board", "Board", "2", "7", `Ann, "Nan" O'Brien`, "0", "no"},
		{"board", "Board", "2", "8", "Bo\nLine", "0", "no"},
		{"board", "Board", "2", "ABSTAIN", "Left blank (abstentions)", "2", "no"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("results.csv (-want +got):\n%s\n%s", diff, p.ResultsCSV)
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
}
