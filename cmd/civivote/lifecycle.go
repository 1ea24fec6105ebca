package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/civivote/civivote/scheduler"
	"github.com/civivote/civivote/store"
	"go.uber.org/zap"
)

// lifecycleLease names the job that moves elections at their window times and keeps their
// rolls current; the lease makes one replica run each tick.
const lifecycleLease = "election-lifecycle"

// lifecycleJob checks on spec (CIVIVOTE_LIFECYCLE_SCHEDULE, every minute by default):
// elections take each step their definition's times call for (catching up after
// downtime), then every open roll follows the roster, then voters who have voted are
// queued to leave the "not yet voted" reminder groups.
func lifecycleJob(db *store.DB, lc store.LinkConfig, spec string, log *zap.Logger) scheduler.Job {
	return scheduler.Job{Name: lifecycleLease, Spec: spec, Quiet: true, Run: func(ctx context.Context) error {
		return runLifecycle(ctx, db, lc, log, time.Now())
	}}
}

// runLifecycle is one tick of the lifecycle job.
func runLifecycle(ctx context.Context, db *store.DB, lc store.LinkConfig, log *zap.Logger, now time.Time) error {
	steps, advErr := db.AdvanceDue(ctx, lc, now)
	for _, s := range steps {
		log.Info("election moved on by its schedule", zap.String("election", s.Election),
			zap.String("from", string(s.From)), zap.String("to", string(s.To)))
	}
	reps, rollErr := db.ReconcileRolls(ctx, lc, now)
	logRolls(log, reps)
	// Casting only marks the voter; their removal from the reminder group is queued here.
	left, voteErr := db.QueueVotedRemovals(ctx)
	if left > 0 {
		log.Info("voters queued to leave the not-yet-voted groups", zap.Int("voters", left))
	}
	return errors.Join(advErr, rollErr, voteErr)
}

// logRolls logs the rolls that changed: counts only, never a link.
func logRolls(log *zap.Logger, reps []store.IssueReport) {
	for _, r := range reps {
		if r.Changed() {
			log.Info("election roll updated", zap.String("election", r.Election), zap.Int("issued", r.Issued),
				zap.Int("restored", r.Restored), zap.Int("revoked", r.Revoked), zap.Int("held", r.Held), zap.Bool("roll_closed", r.RollClosed))
		}
	}
}

// reconcileAfterSync brings the open elections' rolls up to date after a roster sync that
// changed the roster: members who became eligible get links, members who lapsed lose them.
func reconcileAfterSync(ctx context.Context, db *store.DB, lc store.LinkConfig, log *zap.Logger) error {
	reps, err := db.ReconcileRolls(ctx, lc, time.Now())
	logRolls(log, reps)
	if err != nil {
		return fmt.Errorf("the roster sync succeeded, but updating the elections' rolls of links failed (the election-lifecycle job tries again every minute): %w", err)
	}
	return nil
}
