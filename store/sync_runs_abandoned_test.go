package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/roster"
	"github.com/civivote/civivote/store/storetest"
)

// A sync whose process died (kill -9) never finishes its run row; the next run, which holds
// the lease the dead one held, records it as failed instead of leaving it running forever.
func TestStartRunClosesARunItsProcessAbandoned(t *testing.T) {
	db := storetest.OpenDSN(t, storetest.NewDatabase(t))
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	dead, err := db.StartRun(ctx, roster.Run{StartedAt: t0, Trigger: "cron", Actor: "cron", Outcome: roster.OutcomeRunning})
	if err != nil {
		t.Fatal(err)
	}
	next, err := db.StartRun(ctx, roster.Run{StartedAt: t0.Add(time.Minute), Trigger: "cron", Actor: "cron", Outcome: roster.OutcomeRunning})
	if err != nil {
		t.Fatal(err)
	}
	runs, err := db.Runs(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].ID != next || runs[1].ID != dead {
		t.Fatalf("runs: %+v", runs)
	}
	if r := runs[0]; r.Outcome != roster.OutcomeRunning {
		t.Errorf("the new run is %s, want running", r.Outcome)
	}
	if r := runs[1]; r.Outcome != roster.OutcomeFailed || !r.FinishedAt.Equal(t0.Add(time.Minute)) ||
		!strings.Contains(r.Error, "stopped before it finished") {
		t.Errorf("the abandoned run: %s finished %s error %q, want failed when the next started, saying why", r.Outcome, r.FinishedAt, r.Error)
	}
}
