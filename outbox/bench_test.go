package outbox_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/outbox"
)

// Measured on a real CiviCRM 6.18 (../shared/civicrm/throughput.md): server time per record.
const (
	contactSaveCost      = 14 * time.Millisecond
	groupContactSaveCost = 3300 * time.Microsecond
)

func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		tb.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// BenchmarkPush pushes N voting links and N group adds (default 100,000 each) through the
// outbox into the fake CiviCRM, which spends CiviCRM's measured per-record cost divided by
// CIVIVOTE_OUTBOX_BENCH_SCALE (default 100) on each record with two server workers. Each
// iteration also pushes the same writes straight through the client, two writers, batches
// of 150, no database: the difference is what the outbox adds. It takes about a minute per
// iteration, so it runs only with CIVIVOTE_OUTBOX_BENCH=1:
//
//	CIVIVOTE_OUTBOX_BENCH=1 go test ./outbox -run '^$' -bench Push -benchtime 1x -count 3
func BenchmarkPush(b *testing.B) {
	if os.Getenv("CIVIVOTE_OUTBOX_BENCH") != "1" {
		b.Skip("set CIVIVOTE_OUTBOX_BENCH=1 to push 100k links through the outbox (about a minute per iteration)")
	}
	n := envInt(b, "CIVIVOTE_OUTBOX_BENCH_RECORDS", 100_000)
	scale := envInt(b, "CIVIVOTE_OUTBOX_BENCH_SCALE", 100)
	linkCost, groupCost := contactSaveCost/time.Duration(scale), groupContactSaveCost/time.Duration(scale)
	e := newEnv(b, civicrmtest.WithWorkers(2),
		civicrmtest.WithWriteCost("Contact", linkCost), civicrmtest.WithWriteCost("GroupContact", groupCost))
	e.srv.GenerateRoster(n*51/49+100, 11)
	ids := make([]int64, 0, n)
	for id := int64(55); len(ids) < n; id++ {
		if _, ok := e.srv.Contact(id); ok {
			ids = append(ids, id)
		}
	}
	w := e.worker(b, nil, outbox.Options{})
	sink := civicrm.NewOutboxSink(e.client)
	ctx := context.Background()
	// The fake's server time at two workers, as CiviCRM would spend it (scaled).
	server := time.Duration(n) * (linkCost + groupCost) / 2

	var drains, directs []time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		g := outbox.Group{Name: fmt.Sprintf("bench_%d", i), Title: fmt.Sprintf("Bench %d", i)}
		items := make([]outbox.Item, 0, 2*n)
		for _, id := range ids {
			items = append(items,
				outbox.SetLink(outbox.Link{Field: linkField, Election: "bench", ContactID: id, Generation: i}),
				outbox.AddToGroup(outbox.Membership{Group: g, ContactID: id}))
		}
		started := time.Now()
		if added := mustEnqueue(b, w, items...); added != 2*n {
			b.Fatalf("enqueued %d, want %d", added, 2*n)
		}
		b.Logf("enqueue of %d items: %v", 2*n, time.Since(started).Round(time.Millisecond))

		b.StartTimer()
		started = time.Now()
		r := mustDrain(b, w)
		drain := time.Since(started)
		b.StopTimer()
		if r.Delivered != 2*n || r.Failed+r.Retried != 0 {
			b.Fatalf("drain = %+v", r)
		}
		direct := pushDirect(b, ctx, sink, outbox.Group{Name: g.Name + "_direct", Title: g.Title + " direct"}, ids, i)
		drains, directs = append(drains, drain), append(directs, direct)
		b.Logf("outbox drain %v, direct push %v, simulated server time %v: outbox adds %.1f%%",
			drain.Round(time.Millisecond), direct.Round(time.Millisecond), server.Round(time.Millisecond),
			100*(drain.Seconds()-direct.Seconds())/direct.Seconds())
	}
	d, p := median(drains), median(directs)
	b.ReportMetric(d.Seconds(), "drain-s")
	b.ReportMetric(p.Seconds(), "direct-s")
	b.ReportMetric(server.Seconds(), "server-s")
	b.ReportMetric(100*(d.Seconds()-p.Seconds())/p.Seconds(), "outbox-overhead-%")
	b.ReportMetric(100*(d.Seconds()-server.Seconds())/server.Seconds(), "over-server-%")
	// What the outbox adds per record, against what a real CiviCRM spends per record at
	// two writers: the overhead at the real cost.
	perRecord := (d - p) / time.Duration(2*n)
	b.ReportMetric(float64(perRecord.Microseconds()), "added-µs/record")
	b.ReportMetric(100*perRecord.Seconds()/((contactSaveCost+groupContactSaveCost)/4).Seconds(), "overhead-at-real-cost-%")
}

// pushDirect writes links and group adds straight through the sink, two writers, batches
// of 150: the cost of CiviCRM and the client alone.
func pushDirect(b *testing.B, ctx context.Context, sink *civicrm.OutboxSink, g outbox.Group, ids []int64, gen int) time.Duration {
	b.Helper()
	gid, err := sink.EnsureGroup(ctx, g)
	if err != nil {
		b.Fatal(err)
	}
	type job struct {
		links []outbox.ContactURL
		ids   []int64
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	started := time.Now()
	for range 2 {
		wg.Go(func() {
			for j := range jobs {
				var err error
				if j.links != nil {
					_, err = sink.SetLinks(ctx, linkField, j.links)
				} else {
					_, err = sink.AddToGroup(ctx, gid, j.ids)
				}
				if err != nil {
					b.Error(err)
				}
			}
		})
	}
	for chunk := range slices.Chunk(ids, 150) {
		links := make([]outbox.ContactURL, len(chunk))
		for i, id := range chunk {
			links[i] = outbox.ContactURL{ContactID: id, URL: url(id, gen) + "d"}
		}
		jobs <- job{links: links}
	}
	for chunk := range slices.Chunk(ids, 150) {
		jobs <- job{ids: chunk}
	}
	close(jobs)
	wg.Wait()
	return time.Since(started)
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
