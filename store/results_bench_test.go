package store_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	mrand "math/rand/v2"
	"strings"
	"testing"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store/storetest"
)

// The full count from MariaDB: the ballots streamed from the table, decoded against the
// ballot paper, tallied, and the decisions by lot replayed, over the WISE-RA fixture
// (17 positions, two candidates each):
//
//	scripts/with-mariadb go test -run XXX -bench Count -benchtime 3x ./store/
//
// (election.BenchmarkTally measures the tally alone, in memory, over 1,000,000 ballots.)

// countBallots is the number of ballots BenchmarkCount counts.
const countBallots = 100_000

// BenchmarkCount counts 100,000 ballots per operation through DB.Count.
func BenchmarkCount(b *testing.B) {
	db := storetest.Open(b)
	ctx := context.Background()
	st := openStation(b, db, 0)
	contests := st.paper.Contests()
	r := mrand.New(mrand.NewPCG(1, 2))
	const chunk = 2000
	for start := 0; start < countBallots; start += chunk {
		var q strings.Builder
		var args []any
		q.WriteString(`INSERT INTO ballots (id, election_id, receipt_code, choices) VALUES `)
		for k := range chunk {
			if k > 0 {
				q.WriteString(",")
			}
			q.WriteString("(?, ?, ?, ?)")
			choices := map[string][]string{}
			for _, c := range contests {
				switch r.IntN(5) {
				case 0: // blank
				case 1:
					choices[c.Key] = []string{election.RONFormValue}
				default:
					choices[c.Key] = []string{election.ChoiceID(c.Candidates[r.IntN(len(c.Candidates))])}
				}
			}
			js, _ := json.Marshal(choices)
			id, err := election.NewBallotID(rand.Reader)
			if err != nil {
				b.Fatal(err)
			}
			receipt, err := election.NewReceiptCode(rand.Reader)
			if err != nil {
				b.Fatal(err)
			}
			args = append(args, id[:], st.election.ID, receipt, js)
		}
		if _, err := db.SQL().ExecContext(ctx, q.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE elections SET state = ? WHERE id = ?`, string(election.VotingClosed), st.election.ID); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		c, err := db.Count(ctx, st.slug())
		if err != nil {
			b.Fatal(err)
		}
		if c.Result.BallotsCast != countBallots {
			b.Fatalf("counted %d ballots, want %d", c.Result.BallotsCast, countBallots)
		}
	}
	b.ReportMetric(float64(countBallots)*float64(b.N)/b.Elapsed().Seconds(), "ballots/s")
}
