package scheduler_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/scheduler"
	"github.com/civivote/civivote/scheduler/schedulertest"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// freshDB returns a migrated database of the test's own, so lease rows (and their last
// ticks) of one test or run never meet another's.
func freshDB(t *testing.T) string {
	t.Helper()
	dsn := storetest.NewDatabase(t)
	storetest.OpenDSN(t, dsn)
	return dsn
}

type done struct {
	job     string
	tick    time.Time
	outcome string
}

// replica is one scheduler with its own database pool, as a separate serve process has.
func replica(t *testing.T, dsn string, clock *schedulertest.Clock, holder string, dones chan<- done, jobs ...scheduler.Job) *scheduler.Scheduler {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{DSN: dsn, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := scheduler.New(scheduler.Options{
		Leaser: db, Holder: holder, Clock: clock, Logger: zaptest.NewLogger(t),
		OnDone: func(job string, tick time.Time, outcome string, err error) {
			dones <- done{job, tick, outcome}
		},
	})
	for _, j := range jobs {
		if err := s.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func TestCronFiresAtScheduledTimesWithAnInjectedClock(t *testing.T) {
	dsn := freshDB(t)
	clock := schedulertest.NewClock(time.Date(2026, 11, 23, 10, 7, 0, 0, time.UTC))
	ran := make(chan time.Time, 10)
	dones := make(chan done, 10)
	s := replica(t, dsn, clock, "a", dones, scheduler.Job{
		Name: "sched-test-fire", Spec: "*/15 * * * *",
		Run: func(ctx context.Context) error { ran <- clock.Now(); return nil },
	})
	s.Start()
	defer s.Stop()

	clock.BlockUntil(1)
	if next, _ := s.Next("sched-test-fire"); !next.Equal(time.Date(2026, 11, 23, 10, 15, 0, 0, time.UTC)) {
		t.Errorf("Next = %s, want 10:15", next)
	}
	clock.Advance(8 * time.Minute) // 10:15
	if got := <-ran; got.Format("15:04") != "10:15" {
		t.Errorf("first run at %s, want 10:15", got.Format("15:04"))
	}
	if d := <-dones; d.outcome != "succeeded" || d.tick.Format("15:04") != "10:15" {
		t.Errorf("first tick = %+v", d)
	}
	clock.BlockUntil(1)
	clock.Advance(15 * time.Minute) // 10:30
	if got := <-ran; got.Format("15:04") != "10:30" {
		t.Errorf("second run at %s, want 10:30", got.Format("15:04"))
	}
	<-dones
	if len(ran) != 0 {
		t.Errorf("job ran more often than scheduled")
	}
}

func TestCronSpecWithTimeZone(t *testing.T) {
	sched, err := scheduler.ParseSpec("CRON_TZ=Europe/London 0 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	// 02:00 in London in summer is 01:00 UTC.
	next := sched.Next(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	if next.UTC().Format(time.DateTime) != "2026-07-01 01:00:00" {
		t.Errorf("next = %s", next.UTC())
	}
	if _, err := scheduler.ParseSpec("every fifteen minutes"); err == nil || !strings.Contains(err.Error(), "*/15 * * * *") {
		t.Errorf("bad spec: %v", err)
	}
}

func TestTwoReplicasRunEachTickOnce(t *testing.T) {
	dsn := freshDB(t)
	clock := schedulertest.NewClock(time.Date(2026, 11, 23, 12, 0, 30, 0, time.UTC))
	var mu sync.Mutex
	runs := map[string]int{}
	job := func(holder string) scheduler.Job {
		return scheduler.Job{Name: "sched-test-once", Spec: "* * * * *", Run: func(ctx context.Context) error {
			mu.Lock()
			runs[clock.Now().Format("15:04")]++
			mu.Unlock()
			return nil
		}}
	}
	dones := make(chan done, 10)
	a := replica(t, dsn, clock, "replica-a", dones, job("replica-a"))
	b := replica(t, dsn, clock, "replica-b", dones, job("replica-b"))
	a.Start()
	b.Start()
	defer a.Stop()
	defer b.Stop()

	for _, minute := range []string{"12:01", "12:02", "12:03"} {
		clock.BlockUntil(2)
		clock.Advance(time.Minute)
		outcomes := map[string]int{}
		for range 2 {
			outcomes[(<-dones).outcome]++
		}
		if outcomes["succeeded"] != 1 || outcomes["elsewhere"] != 1 {
			t.Errorf("tick %s: outcomes %v, want one run and one skip", minute, outcomes)
		}
	}
	for minute, n := range runs {
		if n != 1 {
			t.Errorf("tick %s ran %d times", minute, n)
		}
	}
}

func TestLosingTheLeaseStopsTheJob(t *testing.T) {
	ctx := context.Background()
	clock := schedulertest.NewClock(time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC))
	db, err := store.Open(ctx, store.Options{DSN: freshDB(t), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	started := make(chan struct{})
	result := make(chan error, 1)
	go func() {
		result <- scheduler.Exclusive(ctx, db, clock, "sched-test-lost", "replica-a", time.Time{}, time.Minute, func(ctx context.Context) error {
			close(started)
			<-ctx.Done() // a long sync, stopped only by losing the lease
			return ctx.Err()
		})
	}()
	<-started
	// While it runs, a second process is refused.
	err = scheduler.Exclusive(ctx, db, clock, "sched-test-lost", "cli", time.Time{}, time.Minute, func(context.Context) error { return nil })
	if !errors.Is(err, scheduler.ErrBusy) {
		t.Errorf("second run: %v, want ErrBusy", err)
	}
	// The renewer waits 20 s; the database is "unreachable" for 61 s, so its renewal comes
	// too late and the lease is lost.
	clock.BlockUntil(1)
	clock.Advance(61 * time.Second)
	err = <-result
	if err == nil || !strings.Contains(err.Error(), "lost the lease") {
		t.Errorf("job result %v, want a lost-lease error", err)
	}
}

func TestStopCancelsAndWaitsForRunningJobs(t *testing.T) {
	dsn := freshDB(t)
	clock := schedulertest.NewClock(time.Date(2026, 11, 23, 14, 0, 30, 0, time.UTC))
	started := make(chan struct{})
	var finished bool
	dones := make(chan done, 10)
	s := replica(t, dsn, clock, "a", dones, scheduler.Job{Name: "sched-test-stop", Spec: "* * * * *", Run: func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		finished = true
		return ctx.Err()
	}})
	s.Start()
	clock.BlockUntil(1)
	clock.Advance(time.Minute)
	<-started
	s.Stop()
	if !finished {
		t.Error("Stop returned before the running job ended")
	}
}

func TestAPanickingJobDoesNotStopTheScheduler(t *testing.T) {
	dsn := freshDB(t)
	clock := schedulertest.NewClock(time.Date(2026, 11, 23, 15, 0, 30, 0, time.UTC))
	var calls int
	ran := make(chan struct{}, 2)
	dones := make(chan done, 10)
	s := replica(t, dsn, clock, "a", dones, scheduler.Job{Name: "sched-test-panic", Spec: "* * * * *", Run: func(ctx context.Context) error {
		calls++
		ran <- struct{}{}
		if calls == 1 {
			panic("boom")
		}
		return nil
	}})
	s.Start()
	defer s.Stop()
	clock.BlockUntil(1)
	clock.Advance(time.Minute)
	<-ran
	if d := <-dones; d.outcome != "failed" {
		t.Errorf("panicking tick: %+v, want failed", d)
	}
	clock.BlockUntil(1)
	clock.Advance(time.Minute)
	<-ran
	if d := <-dones; d.outcome != "succeeded" {
		t.Errorf("tick after the panic: %+v", d)
	}
}

func TestATickDuringALongRunIsSkippedAndReported(t *testing.T) {
	dsn := freshDB(t)
	clock := schedulertest.NewClock(time.Date(2026, 11, 23, 16, 0, 30, 0, time.UTC))
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	dones := make(chan done, 10)
	s := replica(t, dsn, clock, "a", dones, scheduler.Job{Name: "sched-test-skip", Spec: "* * * * *", Run: func(ctx context.Context) error {
		started <- struct{}{}
		<-release
		return nil
	}})
	s.Start()
	defer s.Stop()
	clock.BlockUntil(1)
	clock.Advance(time.Minute) // 16:01: the run starts and blocks
	<-started
	// Wait for the loop's next timer (the run's lease renewer has one too).
	clock.BlockUntil(2)
	clock.Advance(time.Minute) // 16:02 comes while 16:01 still runs
	if d := <-dones; d.outcome != "skipped" || d.tick.Format("15:04") != "16:02" {
		t.Errorf("tick during a long run: %+v, want skipped at 16:02", d)
	}
	close(release)
	if d := <-dones; d.outcome != "succeeded" || d.tick.Format("15:04") != "16:01" {
		t.Errorf("the long run: %+v", d)
	}
}

func TestQuietJobsLogSuccessAtDebug(t *testing.T) {
	dsn := freshDB(t)
	db, err := store.Open(context.Background(), store.Options{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := schedulertest.NewClock(time.Date(2026, 11, 23, 10, 0, 30, 0, time.UTC))
	core, logs := observer.New(zap.DebugLevel)
	dones := make(chan done, 4)
	s := scheduler.New(scheduler.Options{Leaser: db, Holder: "a", Clock: clock, Logger: zap.New(core),
		OnDone: func(job string, tick time.Time, outcome string, err error) { dones <- done{job, tick, outcome} }})
	ok := func(context.Context) error { return nil }
	for _, j := range []scheduler.Job{
		{Name: "sched-test-loud", Spec: "* * * * *", Run: ok},
		{Name: "sched-test-quiet", Spec: "* * * * *", Run: ok, Quiet: true},
	} {
		if err := s.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	s.Start()
	defer s.Stop()
	clock.BlockUntil(2)
	clock.Advance(30 * time.Second)
	<-dones
	<-dones

	levels := map[string]zapcore.Level{}
	for _, e := range logs.FilterMessage("job finished").All() {
		levels[e.ContextMap()["job"].(string)] = e.Level
	}
	if levels["sched-test-loud"] != zap.InfoLevel || levels["sched-test-quiet"] != zap.DebugLevel {
		t.Errorf("job finished logged at %v, want info for a normal job and debug for a quiet one", levels)
	}
}
