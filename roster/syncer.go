package roster

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// CountTolerance is how far CiviCRM's count after the last page may differ from the
// memberships read: rows change status while a long pass runs.
type CountTolerance struct {
	Absolute int
	Percent  float64
}

// allows reports whether got and want are close enough.
func (t CountTolerance) allows(got, want int) bool {
	diff := math.Abs(float64(got - want))
	return diff <= float64(t.Absolute)+t.Percent/100*float64(want)
}

// Options configures a Syncer. Zero values take the defaults noted.
type Options struct {
	Source Source
	Store  Store
	// MaxLapsePercent stops a run that would lapse more than this share of the members in
	// good standing. Default 10.
	MaxLapsePercent float64
	// CountTolerance bounds the cross-check with CiviCRM's count. Default 10 + 0.5%.
	CountTolerance CountTolerance
	// GracePeriod: a current membership whose end date is older than this is stale (CiviCRM's
	// daily status job has not run). Default 31 days, CiviCRM's shipped Grace status.
	GracePeriod time.Duration
	// Examples is how many changes of each kind a report lists. Default 20.
	Examples int
	// StageBatch is how many members one staging write carries. Default 1000.
	StageBatch int
	Logger     *zap.Logger
	Registry   prometheus.Registerer // nil: metrics are not registered
	Now        func() time.Time
}

// Syncer runs roster syncs and answers questions about members' standing.
type Syncer struct {
	src     Source
	store   Store
	opts    Options
	log     *zap.Logger
	now     func() time.Time
	metrics *metrics
	running sync.Mutex // held by a running sync, and guards the cache
	// cache is the roll of the last run when that run changed nothing, valid while the
	// mirror's version is cacheVersion: a sync every few minutes then skips reading it.
	cache        *roll
	cacheVersion MirrorVersion
	// withoutEmail is the count of members without email at cacheVersion.
	withoutEmail int
}

// countWithoutEmail fills in the members in good standing without an email: informational,
// and true of the mirror whatever the outcome, so a failure to count must not hide the
// run's own error. A run that used a kept roll and changed nothing reuses the last count,
// which costs a second on a million members.
func (s *Syncer) countWithoutEmail(ctx context.Context, rep *Report) {
	r := rep.Run
	if rep.cachedRoll && r.Added+r.Updated+r.Reactivated+r.Lapsed == 0 && rep.release == 0 {
		rep.Run.WithoutEmail = s.withoutEmail
		return
	}
	t0 := time.Now()
	if n, err := s.store.CountWithoutEmail(ctx); err == nil {
		rep.Run.WithoutEmail = n
	}
	rep.phases = append(rep.phases, zap.Duration("without_email", time.Since(t0)))
}

// takeCache returns the cached roll, ready for a new run, if the mirror is still at ver.
func (s *Syncer) takeCache(ver MirrorVersion) *roll {
	r := s.cache
	s.cache = nil
	if r == nil || ver != s.cacheVersion {
		return nil
	}
	r.reset()
	return r
}

// keepCache keeps the run's roll when the run left the mirror as it found it and nobody
// else changed it meanwhile.
func (s *Syncer) keepCache(ctx context.Context, rep *Report) {
	r := rep.Run
	unchanged := r.Added+r.Updated+r.Reactivated+r.Lapsed == 0 && rep.release == 0
	if rep.roll == nil || !(r.Outcome == OutcomeSucceeded && unchanged || r.Outcome == OutcomeDryRun || r.Outcome == OutcomeGuardTripped) {
		return
	}
	ver, err := s.store.MirrorVersion(ctx)
	want := rep.version
	if r.Outcome == OutcomeSucceeded {
		want.LastAppliedRun = r.ID
	}
	if err == nil && ver == want {
		s.cache, s.cacheVersion, s.withoutEmail = rep.roll, ver, rep.Run.WithoutEmail
	}
}

// New returns a Syncer; it panics without a Source or a Store, a wiring mistake.
func New(opts Options) *Syncer {
	if opts.Source == nil || opts.Store == nil {
		panic("roster: New needs a Source and a Store")
	}
	if opts.MaxLapsePercent <= 0 {
		opts.MaxLapsePercent = 10
	}
	if opts.CountTolerance == (CountTolerance{}) {
		opts.CountTolerance = CountTolerance{Absolute: 10, Percent: 0.5}
	}
	if opts.GracePeriod <= 0 {
		opts.GracePeriod = 31 * 24 * time.Hour
	}
	if opts.Examples <= 0 {
		opts.Examples = 20
	}
	if opts.StageBatch <= 0 {
		opts.StageBatch = 1000
	}
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Syncer{src: opts.Source, store: opts.Store, opts: opts, log: log, now: now,
		metrics: newMetrics(opts.Registry)}
}

// Sync runs one sync: it reads the whole roster, checks it, and only then applies it. On
// any error the members are untouched (or, if the database fails while applying, partly
// updated in whole batches that the next run completes) and the run is recorded. The
// report is returned whatever the outcome (a *GuardError for a tripped guard), except with
// ErrBusy when this process is already syncing; the error says why the run did not apply.
func (s *Syncer) Sync(ctx context.Context, req Request) (*Report, error) {
	if !s.running.TryLock() {
		return nil, ErrBusy
	}
	defer s.running.Unlock()
	if req.Actor == "" {
		req.Actor = req.Trigger
	}
	rep := &Report{Run: Run{StartedAt: s.now(), Trigger: req.Trigger, Actor: req.Actor, Forced: req.Force,
		DryRun: req.DryRun, Outcome: OutcomeRunning, Expected: -1}, examples: s.opts.Examples}
	id, err := s.store.StartRun(ctx, rep.Run)
	if err != nil {
		s.metrics.failures.WithLabelValues(ReasonStore).Inc()
		return rep, fmt.Errorf("roster: record the start of a sync run: %w", err)
	}
	rep.Run.ID = id
	err = s.run(ctx, req, rep)
	// Informational, and true of the mirror whatever the outcome; a failure to count
	// must not hide the run's own error.
	s.countWithoutEmail(context.WithoutCancel(ctx), rep)
	rep.Run.FinishedAt = s.now()
	var guard *GuardError
	switch {
	case errors.As(err, &guard):
		rep.Run.Outcome, rep.Run.Reason, rep.Run.Error = OutcomeGuardTripped, guard.Reason, guard.Detail
	case err != nil:
		rep.Run.Outcome, rep.Run.Error = OutcomeFailed, err.Error()
		if rep.Run.Reason == "" {
			rep.Run.Reason = ReasonSource
			if ctx.Err() != nil {
				rep.Run.Reason = ReasonCancelled
			}
		}
	case req.DryRun:
		rep.Run.Outcome = OutcomeDryRun
	default:
		rep.Run.Outcome = OutcomeSucceeded
	}
	// Record the end even when ctx was cancelled: an unrecorded run is the one nobody can
	// explain afterwards.
	if ferr := s.store.FinishRun(context.WithoutCancel(ctx), rep.Run); ferr != nil {
		err = errors.Join(err, fmt.Errorf("roster: record the end of sync run %d: %w", id, ferr))
	}
	s.keepCache(context.WithoutCancel(ctx), rep)
	s.observe(rep)
	return rep, err
}

func (s *Syncer) observe(rep *Report) {
	r := rep.Run
	m := s.metrics
	m.duration.Observe(r.FinishedAt.Sub(r.StartedAt).Seconds())
	m.stale.Set(float64(r.Stale))
	fields := []zap.Field{zap.Int64("run", r.ID), zap.String("outcome", string(r.Outcome)),
		zap.Int("fetched", r.Fetched), zap.Int("added", r.Added), zap.Int("updated", r.Updated),
		zap.Int("lapsed", r.Lapsed), zap.Int("reactivated", r.Reactivated), zap.Int("stale", r.Stale),
		zap.Duration("took", r.FinishedAt.Sub(r.StartedAt)), zap.Dict("steps", rep.phases...), zap.Int("staged", rep.staged)}
	switch r.Outcome {
	case OutcomeSucceeded:
		m.lastSuccess.Set(float64(r.FinishedAt.Unix()))
		m.lapsed.Set(float64(r.Lapsed))
		m.good.Set(float64(rep.goodAfter))
	case OutcomeGuardTripped:
		m.guardTrips.WithLabelValues(r.Reason).Inc()
		m.failures.WithLabelValues(r.Reason).Inc()
	case OutcomeFailed:
		m.failures.WithLabelValues(r.Reason).Inc()
	}
	if r.Stale > 0 {
		s.log.Warn("current memberships look stale: their end date plus the grace period has passed; "+
			"is CiviCRM's daily 'Update Membership Statuses' job running?", zap.Int("stale", r.Stale))
	}
	s.log.Info("roster sync", fields...)
}
