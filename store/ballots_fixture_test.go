package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store"
)

// castNow is inside the WISE-RA voting window (1–28 February 2023, Europe/London).
var castNow = time.Date(2023, 2, 10, 12, 7, 0, 0, time.UTC)

// pollingStation is an election in voting_open with candidates on every position and a
// roll of members in good standing, written straight into the tables the casting reads.
type pollingStation struct {
	db       *store.DB
	election *store.StoredElection
	paper    *election.BallotPaper
	// first is the contact id of the first voter; voters are first, first+1, …
	first  int64
	voters int
}

// stationSeq keeps the contact ids and slugs of stations in one database apart.
var stationSeq atomic.Int64

// openStation applies the WISE-RA fixture under a fresh slug to db, gives each position
// two accepted candidates, puts nVoters members on the roll and opens voting.
func openStation(tb testing.TB, db *store.DB, nVoters int) *pollingStation {
	tb.Helper()
	ctx := context.Background()
	seq := stationSeq.Add(1)
	slug := "wise-ra-t" + itoa(seq)
	src := bytes.Replace(fixtureBytes(tb, "wise-ra-2023.yaml"), []byte("slug: wise-ra-2023"), []byte("slug: "+slug), 1)
	def, err := election.Parse(bytes.NewReader(src), "test.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.ApplyElection(ctx, def, src, "test", applyNow); err != nil {
		tb.Fatal(err)
	}
	e, err := db.GetElection(ctx, slug)
	if err != nil {
		tb.Fatal(err)
	}
	st := &pollingStation{db: db, first: seq * 10_000_000, voters: nVoters}
	exec := func(q string, args ...any) {
		tb.Helper()
		if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
			tb.Fatal(err)
		}
	}
	for i, p := range def.Positions {
		for j := range 2 {
			contact := st.first + 9_000_000 + int64(2*i+j)
			exec(`INSERT INTO candidates (election_id, position_key, contact_id, display_name, statement,
				declarations, status, created_at, updated_at) VALUES (?, ?, ?, ?, '', '[]', 'accepted', ?, ?)`,
				e.ID, p.Key, contact, "Candidate "+itoa(contact), applyNow, applyNow)
		}
	}
	for start := 0; start < nVoters; start += 1000 {
		n := min(1000, nVoters-start)
		var m, v strings.Builder
		var margs, vargs []any
		for k := range n {
			if k > 0 {
				m.WriteString(",")
				v.WriteString(",")
			}
			m.WriteString("(?, ?, TRUE, ?, ?)")
			v.WriteString("(?, ?, ?)")
			id := st.first + int64(start+k)
			margs = append(margs, id, "Member "+itoa(id), applyNow, applyNow)
			vargs = append(vargs, e.ID, id, applyNow)
		}
		exec(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at) VALUES `+m.String(), margs...)
		exec(`INSERT INTO voters (election_id, contact_id, issued_at) VALUES `+v.String(), vargs...)
	}
	exec(`UPDATE elections SET state = ? WHERE id = ?`, string(election.VotingOpen), e.ID)
	if st.election, err = db.GetElection(ctx, slug); err != nil {
		tb.Fatal(err)
	}
	if st.paper, err = db.BallotPaper(ctx, &st.election.Election); err != nil {
		tb.Fatal(err)
	}
	return st
}

// voter returns the i-th voter on the roll as a personal link finds them.
func (st *pollingStation) voter(i int) *election.Voter {
	return &election.Voter{Election: &st.election.Election, ContactID: st.first + int64(i),
		Name: "Member " + itoa(st.first+int64(i)), InGoodStanding: true}
}

// ballot encodes a ballot that picks, on every position, the first candidate when pick is
// even and the second when it is odd, and leaves the last position blank.
func (st *pollingStation) ballot(tb testing.TB, pick int) (election.Ballot, election.Choices) {
	tb.Helper()
	c := election.Choices{}
	contests := st.paper.Contests()
	for _, con := range contests[:len(contests)-1] {
		c[con.Key] = []int64{con.Candidates[pick%2]}
	}
	b, err := st.paper.Encode(c)
	if err != nil {
		tb.Fatal(err)
	}
	return b, c
}

// count runs a COUNT query against the station's election.
func (st *pollingStation) count(tb testing.TB, query string) int {
	tb.Helper()
	var n int
	if err := st.db.SQL().QueryRowContext(context.Background(), query, st.election.ID).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func (st *pollingStation) ballots(tb testing.TB) int {
	return st.count(tb, `SELECT COUNT(*) FROM ballots WHERE election_id = ?`)
}

// choices counts the choices on the stored ballots, read back as the count reads them.
func (st *pollingStation) choices(tb testing.TB) int {
	tb.Helper()
	n := 0
	for b, err := range st.db.Ballots(context.Background(), st.election.ID, st.paper) {
		if err != nil {
			tb.Fatal(err)
		}
		for _, ids := range st.paper.Decode(b) {
			n += len(ids)
		}
	}
	return n
}

func (st *pollingStation) markedVoted(tb testing.TB) int {
	return st.count(tb, `SELECT COUNT(*) FROM voters WHERE election_id = ? AND voted`)
}

func (st *pollingStation) groupRemovals(tb testing.TB) int {
	tb.Helper()
	var n int
	if err := st.db.SQL().QueryRowContext(context.Background(), `
		SELECT COUNT(*) FROM outbox WHERE kind = 'group_remove' AND dedupe_key LIKE ?`,
		"%:"+st.notVotedGroup()+":%").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// notVotedGroup is the name of the station's "not yet voted" group.
func (st *pollingStation) notVotedGroup() string {
	return outbox.NotVotedGroup(st.election.Definition.Slug, st.election.Definition.Title).Name
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// fixtureBytes reads a shared election definition, for tests and benchmarks alike.
func fixtureBytes(tb testing.TB, name string) []byte {
	tb.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "shared", "elections", name))
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("fixture %s: %v", name, err)
		}
		tb.Skipf("fixture %s is not here (%v); it lives in ../shared/elections next to the repository", name, err)
	}
	return src
}
