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
//	scripts/with-mariadb go test -run XXX -bench CastBallot -benchtime 2s -count 5 ./store/
//
// Each run of BenchmarkCastBallot measures the ceiling (untimed, for about as long as the
// casts will take) and then casting, so that each cast figure has a ceiling taken moments
// before it: on a shared machine the load drifts between runs. It reports casts/s, the
// p50 and p99 latency of one cast, the ceiling's commits/s and "x-ceiling", the ratio of
// the two (the goal is ≥ 0.4). Compare medians over -count runs.

// BenchmarkCastBallot casts one WISE-RA ballot (16 of 17 positions chosen) per operation,
// each by a distinct voter, through CastBallot.
func BenchmarkCastBallot(b *testing.B) {
	for _, conc := range benchConcurrency {
		b.Run(fmt.Sprintf("conns=%d", conc), func(b *testing.B) {
			db := benchDB(b, conc)
			st := openStation(b, db, b.N)
			ballot, _ := st.ballot(b, 0)
			// The ceiling commits about four times as fast as casting: 4N commits take
			// about as long as N casts.
			ceiling, _, err := runConcurrently(db, conc, 4*b.N, ceilingOp(b, db))
			if err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			b.ResetTimer()
			rate, lat, err := runConcurrently(db, conc, b.N, func(ctx context.Context) error {
				i := int(next.Add(1) - 1)
				_, err := db.CastBallot(ctx, st.voter(i), ballot, castNow)
				return err
			})
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			report(b, rate, lat, "casts/s")
			b.ReportMetric(ceiling, "ceiling-commits/s")
			b.ReportMetric(rate/ceiling, "x-ceiling")
		})
	}
}

// BenchmarkCommitCeiling is the ceiling alone: one autocommit INSERT of a random 16-byte
// key per operation, the cheapest durable write there is.
func BenchmarkCommitCeiling(b *testing.B) {
	for _, conc := range benchConcurrency {
		b.Run(fmt.Sprintf("conns=%d", conc), func(b *testing.B) {
			db := benchDB(b, conc)
			op := ceilingOp(b, db)
			b.ResetTimer()
			rate, lat, err := runConcurrently(db, conc, b.N, op)
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			report(b, rate, lat, "commits/s")
		})
	}
}

// ceilingOp creates the ceiling's table and returns one autocommit INSERT into it.
func ceilingOp(b *testing.B, db *store.DB) func(context.Context) error {
	b.Helper()
	if _, err := db.SQL().ExecContext(context.Background(),
		`CREATE TABLE IF NOT EXISTS commit_ceiling (id BINARY(16) NOT NULL PRIMARY KEY) ENGINE=InnoDB`); err != nil {
		b.Fatal(err)
	}
	return func(ctx context.Context) error {
		key := make([]byte, 16)
		_, _ = rand.Read(key)
		_, err := db.SQL().ExecContext(ctx, `INSERT INTO commit_ceiling (id) VALUES (?)`, key)
		return err
	}
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

// runConcurrently runs op n times from conc goroutines, after opening conc connections,
// and returns the rate and the sorted latencies.
func runConcurrently(db *store.DB, conc, n int, op func(context.Context) error) (float64, []time.Duration, error) {
	ctx := context.Background()
	// Open every connection first: conc goroutines each hold one at once.
	var held, warm sync.WaitGroup
	held.Add(conc)
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
	lat := make([]time.Duration, n)
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		first atomic.Pointer[error]
	)
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || first.Load() != nil {
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
	if err := first.Load(); err != nil {
		return 0, nil, *err
	}
	slices.Sort(lat)
	return float64(n) / elapsed.Seconds(), lat, nil
}

// report reports a rate and the p50 and p99 of sorted latencies.
func report(b *testing.B, rate float64, lat []time.Duration, unit string) {
	b.ReportMetric(rate, unit)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
