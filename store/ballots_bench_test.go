package store_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// benchConcurrency are the numbers of concurrent casters (and connections) the benchmarks
// run at; the reference figures were taken at 8 to 32 connections.
var benchConcurrency = []int{8, 16, 32}

// Casting against the commit ceiling, at the same concurrencies, on the same server:
//
//	scripts/with-mariadb go test -run XXX -bench CastBallot -benchtime 3s -count 5 ./store/
//
// For each concurrency it measures the ceiling and then casting, so that with -count the
// two alternate and drift in a shared machine's load hits both alike. Each reports ops/s
// and the p50 and p99 latency of one operation; the cast also reports "x-ceiling", its
// rate divided by the ceiling's just before (the goal is ≥ 0.4).

// BenchmarkCastBallot casts one WISE-RA ballot (16 of 17 positions chosen) per operation,
// each by a distinct voter, through CastBallot, after measuring the commit ceiling.
func BenchmarkCastBallot(b *testing.B) {
	for _, conc := range benchConcurrency {
		b.Run(fmt.Sprintf("conns=%d", conc), func(b *testing.B) {
			var ceiling float64
			b.Run("ceiling", func(b *testing.B) { ceiling = benchCeiling(b, conc) })
			b.Run("cast", func(b *testing.B) {
				db := benchDB(b, conc)
				st := openStation(b, db, b.N)
				ballot, _ := st.ballot(b, 0)
				var next atomic.Int64
				rate := runConcurrently(b, db, conc, "casts/s", func(ctx context.Context) error {
					i := int(next.Add(1) - 1)
					_, err := db.CastBallot(ctx, st.voter(i), ballot, castNow)
					return err
				})
				if ceiling > 0 {
					b.ReportMetric(rate/ceiling, "x-ceiling")
				}
			})
		})
	}
}

// BenchmarkCommitCeiling is the ceiling alone: one autocommit INSERT of a random 16-byte
// key per operation, the cheapest durable write there is.
func BenchmarkCommitCeiling(b *testing.B) {
	for _, conc := range benchConcurrency {
		b.Run(fmt.Sprintf("conns=%d", conc), func(b *testing.B) { benchCeiling(b, conc) })
	}
}

func benchCeiling(b *testing.B, conc int) float64 {
	db := benchDB(b, conc)
	if _, err := db.SQL().ExecContext(context.Background(),
		`CREATE TABLE IF NOT EXISTS commit_ceiling (id BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB`); err != nil {
		b.Fatal(err)
	}
	return runConcurrently(b, db, conc, "commits/s", func(ctx context.Context) error {
		key := make([]byte, 16)
		_, _ = rand.Read(key)
		_, err := db.SQL().ExecContext(ctx, `INSERT INTO commit_ceiling (id) VALUES (?)`, key)
		return err
	})
}

// benchDB opens the package's database with a pool as large as the concurrency.
func benchDB(b *testing.B, conns int) *store.DB {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DSN: storetest.DSN(b), MaxOpenConns: conns})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return db
}

// runConcurrently runs op b.N times from conc goroutines after warming up the pool, and
// reports the rate (which it returns) and the latency percentiles.
func runConcurrently(b *testing.B, db *store.DB, conc int, unit string, op func(context.Context) error) float64 {
	b.Helper()
	ctx := context.Background()
	// Open every connection before the clock starts: conc goroutines each hold one at once.
	var held sync.WaitGroup
	held.Add(conc)
	var warm sync.WaitGroup
	for range conc {
		warm.Go(func() {
			c, err := db.SQL().Conn(ctx)
			held.Done()
			if err != nil {
				return
			}
			held.Wait()
			c.Close()
		})
	}
	warm.Wait()
	lat := make([]time.Duration, b.N)
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		first atomic.Pointer[error]
	)
	b.ResetTimer()
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				if err := op(ctx); err != nil {
					first.CompareAndSwap(nil, &err)
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if err := first.Load(); err != nil {
		b.Fatal(*err)
	}
	slices.Sort(lat)
	rate := float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, unit)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	return rate
}
