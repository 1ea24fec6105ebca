package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store/storetest"
	"github.com/google/go-cmp/cmp"
)

func TestTurnoutCountsVotersByLocalHour(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	st := openStation(t, db, 6)
	// A lapsed member who has not voted is not eligible; one who voted and then lapsed
	// still counts; a revoked link is not eligible.
	if _, err := db.SQL().ExecContext(ctx, `UPDATE members SET in_good_standing = FALSE WHERE contact_id = ?`, st.voter(5).ContactID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE voters SET revoked_at = ? WHERE election_id = ? AND contact_id = ?`,
		castNow, st.election.ID, st.voter(4).ContactID); err != nil {
		t.Fatal(err)
	}
	// London is on GMT in February: 09:59 and 10:14 fall in different hours, 10:14 and
	// 10:44 in the same one.
	for i, at := range []string{"09:59", "10:14", "10:44"} {
		now, err := time.Parse("2006-01-02 15:04", "2023-02-10 "+at)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := st.ballot(t, i)
		if _, err := db.CastBallot(ctx, st.voter(i), b, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE members SET in_good_standing = FALSE WHERE contact_id = ?`, st.voter(0).ContactID); err != nil {
		t.Fatal(err)
	}
	got, err := db.Turnout(ctx, st.election.Definition.Slug)
	if err != nil {
		t.Fatal(err)
	}
	london := st.election.Definition.Location
	want := &election.Turnout{Eligible: 4, Voted: 3, ByHour: []election.HourTurnout{
		{Start: time.Date(2023, 2, 10, 9, 0, 0, 0, london), Voted: 1},
		{Start: time.Date(2023, 2, 10, 10, 0, 0, 0, london), Voted: 2},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("turnout (-want +got):\n%s", diff)
	}
	if got.Share() != 0.75 {
		t.Errorf("share %v, want 0.75", got.Share())
	}
}

func TestNotVotedGroupIsFilledWhenVotingOpensAndLeftAfterVoting(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t)) // the sweep sees every election
	ctx := context.Background()
	st := openStation(t, db, 4)
	if _, err := db.SQL().ExecContext(ctx, `UPDATE voters SET revoked_at = ? WHERE election_id = ? AND contact_id = ?`,
		castNow, st.election.ID, st.voter(3).ContactID); err != nil {
		t.Fatal(err)
	}
	for range 2 { // entering twice queues nothing twice
		if err := db.EnterVotingOpen(ctx, st.election, castNow); err != nil {
			t.Fatal(err)
		}
	}
	state := func(kind outbox.Kind) map[int64]string {
		t.Helper()
		rows, err := db.SQL().QueryContext(ctx, `SELECT JSON_VALUE(payload, '$.contact_id'), state FROM outbox
			WHERE kind = ? AND dedupe_key LIKE ?`, string(kind), "%:"+st.notVotedGroup()+":%")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int64]string{}
		for rows.Next() {
			var (
				id int64
				s  string
			)
			if err := rows.Scan(&id, &s); err != nil {
				t.Fatal(err)
			}
			out[id-st.first] = s
		}
		return out
	}
	if diff := cmp.Diff(map[int64]string{0: "pending", 1: "pending", 2: "pending"}, state(outbox.KindGroupAdd)); diff != "" {
		t.Errorf("adds to the not-yet-voted group by voter (-want +got):\n%s", diff)
	}
	b, _ := st.ballot(t, 0)
	if _, err := db.CastBallot(ctx, st.voter(1), b, castNow); err != nil {
		t.Fatal(err)
	}
	if n, err := db.QueueVotedRemovals(ctx); err != nil || n != 1 {
		t.Fatalf("sweep queued %d removals (%v), want 1", n, err)
	}
	// The removal supersedes the voter's add, which had not been delivered yet.
	if diff := cmp.Diff(map[int64]string{0: "pending", 1: "superseded", 2: "pending"}, state(outbox.KindGroupAdd)); diff != "" {
		t.Errorf("adds after voter 1 voted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[int64]string{1: "pending"}, state(outbox.KindGroupRemove)); diff != "" {
		t.Errorf("removals after voter 1 voted (-want +got):\n%s", diff)
	}
}
