package roster_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/roster"
	"github.com/civivote/civivote/store/storetest"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// BenchmarkSync measures, for generated rosters of 10k, 100k and 1M memberships (about 85%
// current), a first sync into an empty mirror, an unchanged re-sync, and the same pages
// read by the client alone (the floor a sync is compared with). Pages of 2000, the default.
// One op is one whole run. peak-RSS-MB is the process's VmHWM, reset before each
// sub-benchmark; the fake runs in the same process, so it is included.
//
//	go test ./roster -run '^$' -bench Sync -benchtime 3x -count 5
func BenchmarkSync(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(label(n), func(b *testing.B) {
			srv := civicrmtest.NewTestServer(b, civicrmtest.WithClock(func() time.Time { return day }),
				civicrmtest.WithRoster(n, 1))
			client, err := civicrm.New(civicrm.Config{BaseURL: srv.URL(), APIKey: civicrmtest.AdminKey, PageSize: 2000},
				zap.NewNop(), prometheus.NewRegistry())
			if err != nil {
				b.Fatal(err)
			}
			src := civicrm.NewRosterSource(client, civicrm.MemberQuery{})
			db := storetest.OpenDSN(b, storetest.NewDatabase(b))
			s := roster.New(roster.Options{Source: src, Store: db, Now: func() time.Time { return day.Add(time.Hour) }, Logger: benchLogger(b)})
			empty := func(b *testing.B) {
				for _, table := range []string{"members", "audit_log", "sync_runs"} {
					if _, err := db.SQL().Exec("TRUNCATE TABLE " + table); err != nil {
						b.Fatal(err)
					}
				}
			}
			run := func(b *testing.B) int {
				rep, err := s.Sync(context.Background(), roster.Request{Trigger: "cli"})
				if err != nil {
					b.Fatal(err)
				}
				return rep.Fetched
			}
			b.Run("fetch", func(b *testing.B) {
				resetPeakRSS(b)
				rows := 0
				for b.Loop() {
					for _, err := range src.Memberships(context.Background()) {
						if err != nil {
							b.Fatal(err)
						}
						rows++
					}
				}
				report(b, rows)
			})
			b.Run("first", func(b *testing.B) {
				resetPeakRSS(b)
				rows := 0
				for b.Loop() {
					b.StopTimer()
					empty(b)
					b.StartTimer()
					rows += run(b)
				}
				report(b, rows)
			})
			// A re-sync by a new process (the CLI): the roll is read from the database.
			b.Run("resync", func(b *testing.B) {
				empty(b)
				run(b)
				resetPeakRSS(b)
				rows := 0
				for b.Loop() {
					s = roster.New(roster.Options{Source: src, Store: db, Now: func() time.Time { return day.Add(time.Hour) }, Logger: benchLogger(b)})
					rows += run(b)
				}
				report(b, rows)
			})
			// A re-sync by the daemon that ran the last one: the roll it kept is still valid.
			b.Run("resync-kept", func(b *testing.B) {
				run(b) // may be a first sync when run alone
				run(b) // changes nothing, so the roll is kept
				resetPeakRSS(b)
				rows := 0
				for b.Loop() {
					rows += run(b)
				}
				report(b, rows)
			})
		})
	}
}

func label(n int) string {
	if n >= 1_000_000 {
		return strconv.Itoa(n/1_000_000) + "M"
	}
	return strconv.Itoa(n/1000) + "k"
}

func report(b *testing.B, rows int) {
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "members/s")
	b.ReportMetric(float64(peakRSSKB(b))/1024, "peak-RSS-MB")
}

// resetPeakRSS resets the kernel's high-water mark of this process's RSS (clear_refs 5).
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset peak RSS: %v", err)
	}
}

// peakRSSKB reads VmHWM from /proc/self/status.
func peakRSSKB(b *testing.B) int {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				b.Fatal(err)
			}
			return kb
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// benchLogger logs each run's steps when CIVIVOTE_BENCH_LOG is set.
func benchLogger(b *testing.B) *zap.Logger {
	if os.Getenv("CIVIVOTE_BENCH_LOG") == "" {
		return zap.NewNop()
	}
	l, err := zap.NewDevelopment()
	if err != nil {
		b.Fatal(err)
	}
	return l
}
