package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store/storetest"
)

func TestCastRefusedStoresNothing(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	exec := func(t *testing.T, q string, args ...any) {
		t.Helper()
		if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		// prepare changes the stored state (or the voter as the page saw it) first.
		prepare func(t *testing.T, st *pollingStation, v *election.Voter) (election.Ballot, time.Time)
		want    error
	}{
		{"lapsed since the page loaded", func(t *testing.T, st *pollingStation, v *election.Voter) (election.Ballot, time.Time) {
			exec(t, `UPDATE members SET in_good_standing = FALSE WHERE contact_id = ?`, v.ContactID)
			b, _ := st.ballot(t, 0)
			return b, castNow
		}, election.ErrWrongState},
		{"lapsed when the page loaded", func(t *testing.T, st *pollingStation, v *election.Voter) (election.Ballot, time.Time) {
			v.InGoodStanding = false
			b, _ := st.ballot(t, 0)
			return b, castNow
		}, election.ErrWrongState},
		{"before voting opens", func(t *testing.T, st *pollingStation, v *election.Voter) (election.Ballot, time.Time) {
			b, _ := st.ballot(t, 0)
			return b, st.election.Definition.Voting.Opens.Add(-time.Second)
		}, election.ErrWindowClosed},
		{"on the minute voting closes", func(t *testing.T, st *pollingStation, v *election.Voter) (election.Ballot, time.Time) {
			b, _ := st.ballot(t, 0)
			return b, st.election.Definition.Voting.Closes
		}, election.ErrWindowClosed},
		{"closed by the committee since the page loaded", func(t *testing.T, st *pollingStation, v *election.Voter) (election.Ballot, time.Time) {
			exec(t, `UPDATE elections SET state = ? WHERE id = ?`, string(election.VotingClosed), st.election.ID)
			b, _ := st.ballot(t, 0)
			return b, castNow
		}, election.ErrWindowClosed},
		{"link revoked since the page loaded", func(t *testing.T, st *pollingStation, v *election.Voter) (election.Ballot, time.Time) {
			exec(t, `UPDATE voters SET revoked_at = ? WHERE election_id = ? AND contact_id = ?`, castNow, st.election.ID, v.ContactID)
			b, _ := st.ballot(t, 0)
			return b, castNow
		}, election.ErrNotFound},
		{"ballot of another election's paper", func(t *testing.T, st *pollingStation, v *election.Voter) (election.Ballot, time.Time) {
			other, err := election.NewBallotPaper(append(st.paper.Contests(),
				election.Contest{Key: "extra", Title: "Extra", Seats: 1, Candidates: []int64{1}}))
			if err != nil {
				t.Fatal(err)
			}
			b, err := other.Encode(election.Choices{"extra": {1}})
			if err != nil {
				t.Fatal(err)
			}
			return b, castNow
		}, election.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := openStation(t, db, 2)
			v := st.voter(0)
			b, now := c.prepare(t, st, v)
			receipt, err := db.CastBallot(ctx, v, b, now)
			if !errors.Is(err, c.want) {
				t.Fatalf("cast: receipt %q, error %v; want %v", receipt, err, c.want)
			}
			var msg *election.Error
			if !errors.As(err, &msg) || msg.Message == "" {
				t.Errorf("error %v carries no message for the member", err)
			}
			if n := st.ballots(t); n != 0 {
				t.Errorf("%d ballots stored, want none", n)
			}
			if n := st.markedVoted(t); n != 0 {
				t.Errorf("%d voters marked as voted, want none", n)
			}
		})
	}
}

func TestDuplicateBallotIDAndReceiptAreDrawnAgain(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	st := openStation(t, db, 1)
	// Each draw reads a 16-byte id, then 32 bytes at a time for the receipt code.
	draw := func(seed byte) []byte { return bytes.Repeat([]byte{seed}, 16+32) }
	first, err := db.InsertBlankBallot(ctx, st.election.ID, bytes.NewReader(draw(7)))
	if err != nil {
		t.Fatal(err)
	}
	// The second ballot draws the first one's id and code, then fresh ones.
	second, err := db.InsertBlankBallot(ctx, st.election.ID, bytes.NewReader(append(draw(7), draw(9)...)))
	if err != nil {
		t.Fatalf("second ballot after a duplicate draw: %v", err)
	}
	if first == second {
		t.Errorf("both ballots have receipt %s", first)
	}
	if n := st.ballots(t); n != 2 {
		t.Errorf("%d ballots stored, want 2", n)
	}
	// A source that only ever repeats gives up with an error, not a loop.
	if _, err := db.InsertBlankBallot(ctx, st.election.ID, bytes.NewReader(bytes.Repeat(draw(7), 10))); err == nil {
		t.Error("a ballot whose every draw is a duplicate was stored")
	}
}

// TestCastThatFailsHalfwayLeavesTheVoterUnmarked: casting runs with autocommit off, so an
// INSERT that fails after the voter's UPDATE must take the UPDATE back with it, and the
// session must be clean for the next cast.
func TestCastThatFailsHalfwayLeavesTheVoterUnmarked(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	st := openStation(t, db, 1)
	if _, err := db.CastRawChoices(ctx, st.voter(0), []byte("not JSON"), castNow); err == nil {
		t.Fatal("a ballot whose choices are not JSON was stored")
	}
	if n := st.markedVoted(t); n != 0 {
		t.Fatalf("%d voters marked as voted after the cast failed, want 0", n)
	}
	if n := st.ballots(t); n != 0 {
		t.Fatalf("%d ballots stored after the cast failed, want 0", n)
	}
	b, _ := st.ballot(t, 0)
	if _, err := db.CastBallot(ctx, st.voter(0), b, castNow); err != nil {
		t.Fatalf("casting again after a failed attempt: %v", err)
	}
	if n := st.markedVoted(t); n != 1 {
		t.Errorf("%d voters marked as voted, want 1", n)
	}
}
