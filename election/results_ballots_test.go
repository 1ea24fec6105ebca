package election

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// ballotsFile is ballots.json as an observer's program reads it.
type ballotsFile struct {
	Format   string `json:"format"`
	Election string `json:"election"`
	Ballots  []struct {
		Receipt string              `json:"receipt"`
		Choices map[string][]string `json:"choices"`
	} `json:"ballots"`
}

func publishedBallots(receipts []string, choices []Choices) iter.Seq2[PublishedBallot, error] {
	return func(yield func(PublishedBallot, error) bool) {
		for i := range choices {
			if !yield(PublishedBallot{Receipt: receipts[i], Choices: choices[i]}, nil) {
				return
			}
		}
	}
}

func TestWriteBallotsJSONExactBytes(t *testing.T) {
	ballots := []Choices{
		{"treasurer": {31, RON}, "chair": {12}, "secretary": {}},
		{},
	}
	var b bytes.Buffer
	sum, err := WriteBallotsJSON(&b, "wise-ra-2023", publishedBallots([]string{"K7QF9-XMC2R-TAHV3", "22222-33333-44444"}, ballots))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"format":"civivote-ballots/1","election":"wise-ra-2023","ballots":[
{"receipt":"K7QF9-XMC2R-TAHV3","choices":{"chair":["12"],"treasurer":["RON","31"]}},
{"receipt":"22222-33333-44444","choices":{}}
]}
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("ballots.json (-want +got):\n%s", diff)
	}
	if sum != sha256.Sum256(b.Bytes()) {
		t.Error("the returned digest is not the SHA-256 of the bytes written")
	}

	b.Reset()
	if _, err := WriteBallotsJSON(&b, "empty", publishedBallots(nil, nil)); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "{\"format\":\"civivote-ballots/1\",\"election\":\"empty\",\"ballots\":[\n]}\n" {
		t.Errorf("no ballots: %q", got)
	}
	var f ballotsFile
	if err := json.Unmarshal(b.Bytes(), &f); err != nil || len(f.Ballots) != 0 {
		t.Errorf("no ballots does not parse as an empty list: %v %+v", err, f)
	}
}

func TestWriteBallotsJSONEscapesOddStrings(t *testing.T) {
	var b bytes.Buffer
	odd := "a\"b\\c<d>&é\n"
	if _, err := WriteBallotsJSON(&b, odd, publishedBallots([]string{odd}, []Choices{{odd: {1}}})); err != nil {
		t.Fatal(err)
	}
	var f ballotsFile
	if err := json.Unmarshal(b.Bytes(), &f); err != nil {
		t.Fatalf("%v in\n%s", err, b.String())
	}
	if f.Election != odd || f.Ballots[0].Receipt != odd || f.Ballots[0].Choices[odd][0] != "1" {
		t.Errorf("strings did not survive: %+v", f)
	}
}

func TestWriteBallotsJSONStopsOnError(t *testing.T) {
	broken := errors.New("connection lost")
	seq := func(yield func(PublishedBallot, error) bool) {
		if yield(PublishedBallot{Receipt: "A", Choices: Choices{"x": {1}}}, nil) {
			yield(PublishedBallot{}, broken)
		}
	}
	if _, err := WriteBallotsJSON(io.Discard, "s", seq); !errors.Is(err, broken) {
		t.Errorf("got %v, want the iterator's error", err)
	}
	neg := publishedBallots([]string{"A"}, []Choices{{"x": {-3}}})
	if _, err := WriteBallotsJSON(io.Discard, "s", neg); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative id: got %v, want ErrInvalid", err)
	}
	if _, err := WriteBallotsJSON(failingWriter{}, "s", publishedBallots(nil, nil)); err == nil {
		t.Error("a failing writer gave no error")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestBallotsJSONRecounts writes random ballots, reads the file back with
// encoding/json as an observer would, and recounts it two ways: naively from the
// strings, and by tallying the ballots rebuilt from the file. Both must agree with
// the tally of the original ballots. Shuffling choices within a ballot must not
// change a byte.
func TestBallotsJSONRecounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for round := range 200 {
		contests := randomContests(rng, 1+rng.IntN(6))
		paper, err := NewBallotPaper(contests)
		if err != nil {
			t.Fatal(err)
		}
		choices := make([]Choices, rng.IntN(40))
		ballots := make([]Ballot, len(choices))
		receipts := make([]string, len(choices))
		for i := range choices {
			choices[i] = randomChoices(rng, contests)
			if ballots[i], err = paper.Encode(choices[i]); err != nil {
				t.Fatal(err)
			}
			receipts[i] = fmt.Sprintf("R%04d", i)
		}
		want, err := Tally(paper, slices.Values(ballots), 100)
		if err != nil {
			t.Fatal(err)
		}

		var b bytes.Buffer
		sum, err := WriteBallotsJSON(&b, "random", publishedBallots(receipts, choices))
		if err != nil {
			t.Fatal(err)
		}
		if sum != sha256.Sum256(b.Bytes()) {
			t.Fatalf("round %d: digest mismatch", round)
		}
		var f ballotsFile
		if err := json.Unmarshal(b.Bytes(), &f); err != nil {
			t.Fatalf("round %d: ballots.json does not parse: %v", round, err)
		}
		if f.Format != BallotsFormat || f.Election != "random" || len(f.Ballots) != len(choices) {
			t.Fatalf("round %d: header %q %q, %d ballots", round, f.Format, f.Election, len(f.Ballots))
		}

		// Naive recount from the strings.
		votes := map[string]map[string]int{}
		blank := map[string]int{}
		for _, fb := range f.Ballots {
			for _, con := range contests {
				if len(fb.Choices[con.Key]) == 0 {
					blank[con.Key]++
				}
			}
			for key, ids := range fb.Choices {
				if votes[key] == nil {
					votes[key] = map[string]int{}
				}
				for _, id := range ids {
					votes[key][id]++
				}
			}
		}
		for _, pr := range want.Positions {
			tallied := map[string]int{}
			for _, c := range pr.Candidates {
				if c.Votes > 0 {
					tallied[ChoiceID(c.ID)] = c.Votes
				}
			}
			if pr.RONVotes > 0 {
				tallied["RON"] = pr.RONVotes
			}
			if diff := cmp.Diff(tallied, votes[pr.Key], cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("round %d %s: recount from ballots.json differs (-tally +file):\n%s", round, pr.Key, diff)
			}
			if blank[pr.Key] != pr.Abstentions {
				t.Fatalf("round %d %s: %d blank in the file, tally says %d", round, pr.Key, blank[pr.Key], pr.Abstentions)
			}
		}

		// Tally again from the file.
		var rebuilt []Ballot
		for _, fb := range f.Ballots {
			c := Choices{}
			for key, ids := range fb.Choices {
				for _, s := range ids {
					id, err := ParseChoiceID(s)
					if err != nil {
						t.Fatal(err)
					}
					c[key] = append(c[key], id)
				}
			}
			bal, err := paper.Encode(c)
			if err != nil {
				t.Fatalf("round %d: a ballot from the file is invalid: %v", round, err)
			}
			rebuilt = append(rebuilt, bal)
		}
		got, err := Tally(paper, slices.Values(rebuilt), 100)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d: tally of ballots.json differs (-original +file):\n%s", round, diff)
		}

		// Choice order inside a ballot does not change the bytes.
		shuffled := make([]Choices, len(choices))
		for i, c := range choices {
			shuffled[i] = Choices{}
			for k, ids := range c {
				ids = slices.Clone(ids)
				rng.Shuffle(len(ids), func(a, b int) { ids[a], ids[b] = ids[b], ids[a] })
				shuffled[i][k] = ids
			}
		}
		var b2 bytes.Buffer
		sum2, err := WriteBallotsJSON(&b2, "random", publishedBallots(receipts, shuffled))
		if err != nil {
			t.Fatal(err)
		}
		if sum2 != sum || !bytes.Equal(b.Bytes(), b2.Bytes()) {
			t.Fatalf("round %d: the same ballots with choices in another order gave other bytes", round)
		}
	}
}

func TestParseChoiceID(t *testing.T) {
	for _, s := range []string{"RON", "1", "9007199254740993"} {
		id, err := ParseChoiceID(s)
		if err != nil || ChoiceID(id) != s {
			t.Errorf("ParseChoiceID(%q) = %d, %v", s, id, err)
		}
	}
	for _, s := range []string{"", "0", "-1", "01", "ron", "1.0", " 1"} {
		if _, err := ParseChoiceID(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseChoiceID(%q) = %v, want ErrInvalid", s, err)
		}
	}
}

// BenchmarkWriteBallotsJSON streams 1,000,000 random WISE-RA ballots (17 positions)
// to io.Discard per iteration.
func BenchmarkWriteBallotsJSON(b *testing.B) {
	_, contests := wiseBallotPaper(b)
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(1, 2))
	// 1,000 distinct ballots cycled: the writer's cost, not the generator's memory.
	pool := make([]PublishedBallot, 1000)
	for i := range pool {
		pool[i] = PublishedBallot{Receipt: strings.Repeat("K7QF9-", 2) + fmt.Sprintf("%05d", i), Choices: randomChoices(rng, contests)}
	}
	seq := func(yield func(PublishedBallot, error) bool) {
		for i := range n {
			if !yield(pool[i%len(pool)], nil) {
				return
			}
		}
	}
	var size countingWriter
	b.ReportAllocs()
	for b.Loop() {
		size = 0
		if _, err := WriteBallotsJSON(&size, "wise-ra-2023", seq); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
	b.ReportMetric(float64(size)/1e6, "MB/file")
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
