// Package scheduler runs civivote's periodic jobs (roster sync, election transitions,
// outbox delivery) on cron schedules. It only schedules: each job is a plain function that
// a CLI command or an admin request can also call. A lease row in the database makes one
// replica run each tick; robfig/cron parses the schedules.
//
// Ticks that come while the previous run of the job is still going are skipped, and a
// panicking job is a failed tick. robfig/cron's SkipIfStillRunning and Recover wrappers do
// the same, but a tick they skip leaves no trace, and the wrapper frees its slot only
// after the job's outcome has been reported; the scheduler does both itself so that every
// tick is counted and reported once its slot is free.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/robfig/cron/v3"
	"go.uber.org/zap"
)

// Job is one periodic task.
type Job struct {
	Name string // stable: it names the lease and the metrics
	// Spec is a standard 5-field cron spec, optionally prefixed with CRON_TZ=Zone, or a
	// descriptor such as @every 1m.
	Spec string
	Run  func(ctx context.Context) error
	// Quiet logs a successful run at debug level instead of info: for jobs that run every
	// few seconds and log what they did themselves, so the log is not a clock.
	Quiet bool
}

// Options configures New.
type Options struct {
	Leaser   Leaser
	Holder   string        // this process's name in lease rows; NewHolderID() if empty
	LeaseTTL time.Duration // how long a lease outlives its holder's last renewal; 1m if zero
	Clock    Clock         // nil means the real clock
	Logger   *zap.Logger
	Registry prometheus.Registerer
	// OnDone, if set, is called after each tick this replica handled, with its outcome:
	// "succeeded", "failed", "elsewhere" (another replica had the tick) or "skipped" (this
	// replica's previous run was still going). It is called once the run's slot is free.
	OnDone func(job string, tick time.Time, outcome string, err error)
}

// Scheduler runs jobs on their schedules until Stop.
type Scheduler struct {
	opts    Options
	log     *zap.Logger
	metrics *jobMetrics
	entries []*entry

	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	started bool
}

type entry struct {
	job      Job
	schedule cron.Schedule
	running  atomic.Bool // a run of this job is in progress on this replica
}

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec checks a cron spec and returns what robfig/cron makes of it, with a message a
// person can act on.
func ParseSpec(spec string) (cron.Schedule, error) {
	s, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron schedule (%v): use five fields, minute hour day-of-month month day-of-week, e.g. */15 * * * *, optionally preceded by CRON_TZ=Europe/London", spec, err)
	}
	return s, nil
}

// New returns a scheduler with no jobs.
func New(opts Options) *Scheduler {
	if opts.Holder == "" {
		opts.Holder = NewHolderID()
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = time.Minute
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	s := &Scheduler{opts: opts, log: opts.Logger.Named("scheduler"), metrics: newJobMetrics(opts.Registry)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s
}

// Add registers a job. It must be called before Start.
func (s *Scheduler) Add(j Job) error {
	if s.started {
		return errors.New("scheduler: Add after Start")
	}
	sched, err := ParseSpec(j.Spec)
	if err != nil {
		return fmt.Errorf("scheduler: job %s: %w", j.Name, err)
	}
	e := &entry{job: j, schedule: sched}
	s.entries = append(s.entries, e)
	return nil
}

// Start begins firing jobs on their schedules.
func (s *Scheduler) Start() {
	s.started = true
	for _, e := range s.entries {
		s.wg.Add(1)
		go s.loop(e)
	}
}

// Stop stops firing jobs, cancels the ones running and waits for them to return.
func (s *Scheduler) Stop() {
	s.cancel()
	s.wg.Wait()
}

// Next returns when the named job fires next, for the dashboard.
func (s *Scheduler) Next(name string) (time.Time, bool) {
	for _, e := range s.entries {
		if e.job.Name == name {
			return e.schedule.Next(s.opts.Clock.Now()), true
		}
	}
	return time.Time{}, false
}

func (s *Scheduler) loop(e *entry) {
	defer s.wg.Done()
	for {
		now := s.opts.Clock.Now()
		next := e.schedule.Next(now)
		wait, stop := s.opts.Clock.Timer(next.Sub(now))
		select {
		case <-s.ctx.Done():
			stop()
			return
		case <-wait:
		}
		s.fire(e, next)
	}
}

// fire starts the tick's run, or skips it when the previous run has not finished.
func (s *Scheduler) fire(e *entry, tick time.Time) {
	if !e.running.CompareAndSwap(false, true) {
		s.report(e, tick, "skipped", nil, 0)
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		start := s.opts.Clock.Now()
		outcome, err := s.runTick(e, tick)
		e.running.Store(false)
		s.report(e, tick, outcome, err, s.opts.Clock.Now().Sub(start))
	}()
}

// runTick runs one scheduled tick under the job's lease. A panic in the job is a failed
// tick like any other.
func (s *Scheduler) runTick(e *entry, tick time.Time) (outcome string, err error) {
	defer func() {
		if p := recover(); p != nil {
			outcome, err = "failed", fmt.Errorf("job panicked: %v", p)
			s.log.Error("job panicked", zap.String("job", e.job.Name), zap.Any("panic", p), zap.Stack("stack"))
		}
	}()
	err = Exclusive(s.ctx, s.opts.Leaser, s.opts.Clock, e.job.Name, s.opts.Holder, tick, s.opts.LeaseTTL, e.job.Run)
	switch {
	case errors.Is(err, errNotDue), errors.Is(err, ErrBusy):
		return "elsewhere", nil
	case err != nil:
		return "failed", err
	}
	return "succeeded", nil
}

// report logs and counts a tick's outcome, then tells OnDone.
func (s *Scheduler) report(e *entry, tick time.Time, outcome string, err error, took time.Duration) {
	log := s.log.With(zap.String("job", e.job.Name), zap.Time("tick", tick))
	switch outcome {
	case "elsewhere":
		log.Debug("job skipped: another replica has this tick")
	case "skipped":
		log.Warn("job skipped: its previous run is still going")
	case "failed":
		s.metrics.duration.WithLabelValues(e.job.Name).Observe(took.Seconds())
		log.Error("job failed", zap.Duration("duration", took), zap.Error(err))
	default:
		s.metrics.duration.WithLabelValues(e.job.Name).Observe(took.Seconds())
		s.metrics.lastSuccess.WithLabelValues(e.job.Name).Set(float64(s.opts.Clock.Now().Unix()))
		level := zap.InfoLevel
		if e.job.Quiet {
			level = zap.DebugLevel
		}
		log.Log(level, "job finished", zap.Duration("duration", took))
	}
	s.metrics.runs.WithLabelValues(e.job.Name, outcome).Inc()
	if s.opts.OnDone != nil {
		s.opts.OnDone(e.job.Name, tick, outcome, err)
	}
}
