package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// manualClock is a clock tests move by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openWithClock(t *testing.T, dsn string, clock *manualClock) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{DSN: dsn, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestLeaseRunsEachTickOnceAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.NewDatabase(t) // a lease table of its own, so reruns start clean
	storetest.OpenDSN(t, dsn)
	clock := &manualClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	a, b := openWithClock(t, dsn, clock), openWithClock(t, dsn, clock)
	const job, ttl = "lease-test-ticks", time.Minute
	tick1 := clock.Now()
	tick2 := tick1.Add(15 * time.Minute)

	mustAcquire := func(db *store.DB, holder string, tick time.Time, want bool) {
		t.Helper()
		got, err := db.AcquireLease(ctx, job, holder, tick, ttl)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%s acquiring tick %s: got %v, want %v", holder, tick.Format(time.TimeOnly), got, want)
		}
	}
	mustAcquire(a, "replica-a", tick1, true)
	mustAcquire(b, "replica-b", tick1, false) // held, and the tick is taken
	if err := a.ReleaseLease(ctx, job, "replica-a"); err != nil {
		t.Fatal(err)
	}
	mustAcquire(b, "replica-b", tick1, false) // free, but tick 1 already ran
	clock.Add(15 * time.Minute)
	mustAcquire(b, "replica-b", tick2, true)
	mustAcquire(a, "replica-a", tick2, false)
}

func TestLeaseExpiresWhenItsHolderDies(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.NewDatabase(t)
	storetest.OpenDSN(t, dsn)
	clock := &manualClock{t: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)}
	a, b := openWithClock(t, dsn, clock), openWithClock(t, dsn, clock)
	const job, ttl = "lease-test-expiry", time.Minute

	if ok, err := a.AcquireLease(ctx, job, "replica-a", time.Time{}, ttl); !ok || err != nil {
		t.Fatalf("a: %v %v", ok, err)
	}
	clock.Add(30 * time.Second)
	if ok, _ := b.AcquireLease(ctx, job, "replica-b", time.Time{}, ttl); ok {
		t.Fatal("b took a lease that had not expired")
	}
	if ok, _ := a.RenewLease(ctx, job, "replica-a", ttl); !ok {
		t.Fatal("a could not renew its own lease")
	}
	clock.Add(59 * time.Second)
	if ok, _ := b.AcquireLease(ctx, job, "replica-b", time.Time{}, ttl); ok {
		t.Fatal("renewal did not extend the lease")
	}
	clock.Add(2 * time.Second) // a stopped renewing: it crashed
	if ok, _ := b.AcquireLease(ctx, job, "replica-b", time.Time{}, ttl); !ok {
		t.Fatal("b could not take over an expired lease")
	}
	if ok, _ := a.RenewLease(ctx, job, "replica-a", ttl); ok {
		t.Fatal("a renewed a lease it had lost")
	}
	leases, err := b.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leases {
		if l.Name == job && l.Holder != "replica-b" {
			t.Errorf("holder = %q, want replica-b", l.Holder)
		}
	}
}
