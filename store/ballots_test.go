package store_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store/storetest"
	"github.com/google/go-cmp/cmp"
)

func TestCastStoresBallotAndChoicesAndMarksTheVoter(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t)) // the sweep sees every election
	st := openStation(t, db, 3)
	ctx := context.Background()
	contests := st.paper.Contests()
	want := election.Choices{
		contests[0].Key: {contests[0].Candidates[1]},
		contests[1].Key: {election.RON},
		contests[2].Key: {contests[2].Candidates[0]},
	}
	b, err := st.paper.Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	receipt, err := db.CastBallot(ctx, st.voter(1), b, castNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := election.ParseReceiptCode(receipt); err != nil {
		t.Errorf("receipt %q: %v", receipt, err)
	}
	if n := st.ballots(t); n != 1 {
		t.Errorf("%d ballots stored, want 1", n)
	}
	if n := st.choices(t); n != 3 {
		t.Errorf("%d choices stored, want 3", n)
	}
	var voted []int64
	for i := range 3 {
		var v bool
		var at *time.Time
		if err := db.SQL().QueryRowContext(ctx, `SELECT voted, voted_at FROM voters WHERE election_id = ? AND contact_id = ?`,
			st.election.ID, st.voter(i).ContactID).Scan(&v, &at); err != nil {
			t.Fatal(err)
		}
		if v {
			voted = append(voted, st.voter(i).ContactID)
			if at == nil || !at.Equal(time.Date(2023, 2, 10, 12, 0, 0, 0, time.UTC)) {
				t.Errorf("voted_at = %v, want the quarter hour 12:00 UTC", at)
			}
		}
	}
	if !slices.Equal(voted, []int64{st.voter(1).ContactID}) {
		t.Errorf("voters marked as voted: %v, want only %d", voted, st.voter(1).ContactID)
	}
	if n := st.groupRemovals(t); n != 0 {
		t.Errorf("%d removals from the not-yet-voted group queued by the cast itself, want 0 (the sweep queues them)", n)
	}
	for i, want := range []int{1, 0} {
		if n, err := db.QueueVotedRemovals(ctx); err != nil || n != want {
			t.Errorf("sweep %d queued %d removals (%v), want %d", i+1, n, err, want)
		}
	}
	if n := st.groupRemovals(t); n != 1 {
		t.Errorf("%d removals from the not-yet-voted group queued, want 1", n)
	}
	var got []election.Choices
	for b, err := range db.Ballots(ctx, st.election.ID, st.paper) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, st.paper.Decode(b))
	}
	if diff := cmp.Diff([]election.Choices{want}, got); diff != "" {
		t.Errorf("ballots read back (-want +got):\n%s", diff)
	}
	codes, err := db.ReceiptCodes(ctx, st.election.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes, []string{receipt}) {
		t.Errorf("receipt codes %v, want [%s]", codes, receipt)
	}
}

func TestBlankBallotIsCountedAsAbstentions(t *testing.T) {
	db := storetest.Open(t)
	st := openStation(t, db, 1)
	if _, err := db.CastBallot(context.Background(), st.voter(0), election.Ballot{}, castNow); err != nil {
		t.Fatal(err)
	}
	res, err := election.Tally(st.paper, tallySeq(t, st), 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.BallotsCast != 1 || res.Positions[0].Abstentions != 1 {
		t.Errorf("tally of one blank ballot: %d cast, %d abstentions on %s; want 1 and 1",
			res.BallotsCast, res.Positions[0].Abstentions, res.Positions[0].Key)
	}
}

func TestSecondCastIsRefusedAndStoresNothing(t *testing.T) {
	db := storetest.Open(t)
	st := openStation(t, db, 1)
	ctx := context.Background()
	b, _ := st.ballot(t, 0)
	if _, err := db.CastBallot(ctx, st.voter(0), b, castNow); err != nil {
		t.Fatal(err)
	}
	other, _ := st.ballot(t, 1)
	// A page loaded before the first cast still says "not voted"; a fresh one says voted.
	stale, fresh := st.voter(0), st.voter(0)
	fresh.Voted = true
	for name, v := range map[string]*election.Voter{"stale page": stale, "fresh page": fresh} {
		_, err := db.CastBallot(ctx, v, other, castNow.Add(time.Hour))
		if !errors.Is(err, election.ErrAlreadyVoted) {
			t.Errorf("%s: second cast: %v, want ErrAlreadyVoted", name, err)
		}
	}
	if n := st.ballots(t); n != 1 {
		t.Errorf("%d ballots stored, want 1", n)
	}
	if n := st.choices(t); n != len(st.paper.Contests())-1 {
		t.Errorf("%d choices stored, want those of the first ballot only (%d)", n, len(st.paper.Contests())-1)
	}
	res, err := election.Tally(st.paper, tallySeq(t, st), 1)
	if err != nil {
		t.Fatal(err)
	}
	first := res.Positions[0]
	if first.Candidates[0].Votes != 1 || first.Candidates[1].Votes != 0 {
		t.Errorf("tally of %s: %+v, want the first ballot's choice only", first.Key, first.Candidates)
	}
}

func TestConcurrentCastsWithOneLinkStoreOneBallot(t *testing.T) {
	db := storetest.Open(t)
	st := openStation(t, db, 1)
	const casters = 200
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		errs     = make([]error, casters)
		receipts = make([]string, casters)
	)
	for i := range casters {
		wg.Go(func() {
			b, _ := st.ballot(t, i)
			<-start
			receipts[i], errs[i] = db.CastBallot(context.Background(), st.voter(0), b, castNow)
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, election.ErrAlreadyVoted):
			t.Errorf("cast %d: %v, want success or ErrAlreadyVoted", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d casts succeeded, want exactly 1", ok)
	}
	if n := st.ballots(t); n != 1 {
		t.Errorf("%d ballots stored, want 1", n)
	}
	if _, err := db.QueueVotedRemovals(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := st.groupRemovals(t); n != 1 {
		t.Errorf("%d removals from the not-yet-voted group queued, want 1", n)
	}
}

func TestTenThousandVotersCastConcurrently(t *testing.T) {
	db := storetest.Open(t)
	const voters, workers = 10_000, 32
	st := openStation(t, db, voters)
	next := make(chan int)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		seen = map[string]bool{}
	)
	for range workers {
		wg.Go(func() {
			for i := range next {
				b, _ := st.ballot(t, i)
				receipt, err := db.CastBallot(context.Background(), st.voter(i), b, castNow)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					seen[receipt] = true
				}
				mu.Unlock()
			}
		})
	}
	for i := range voters {
		next <- i
	}
	close(next)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d casts failed, the first: %v", len(errs), errs[0])
	}
	if len(seen) != voters {
		t.Errorf("%d distinct receipt codes, want %d", len(seen), voters)
	}
	if n := st.ballots(t); n != voters {
		t.Errorf("%d ballots stored, want %d", n, voters)
	}
	if n := st.markedVoted(t); n != voters {
		t.Errorf("%d voters marked as voted, want %d", n, voters)
	}
	if _, err := db.QueueVotedRemovals(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := st.groupRemovals(t); n != voters {
		t.Errorf("%d removals from the not-yet-voted group queued, want %d", n, voters)
	}
	res, err := election.Tally(st.paper, tallySeq(t, st), voters)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Positions[:len(res.Positions)-1] {
		if p.Candidates[0].Votes != voters/2 || p.Candidates[1].Votes != voters/2 {
			t.Errorf("%s: votes %d and %d, want %d each", p.Key, p.Candidates[0].Votes, p.Candidates[1].Votes, voters/2)
		}
	}
	codes, err := db.ReceiptCodes(context.Background(), st.election.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(codes, slices.Sorted(maps.Keys(seen))) {
		t.Errorf("published receipt codes differ from those handed out")
	}
}

// tallySeq adapts Ballots to election.Tally, failing the test on a read error.
func tallySeq(t *testing.T, st *pollingStation) func(func(election.Ballot) bool) {
	return func(yield func(election.Ballot) bool) {
		for b, err := range st.db.Ballots(context.Background(), st.election.ID, st.paper) {
			if err != nil {
				t.Fatal(err)
			}
			if !yield(b) {
				return
			}
		}
	}
}
