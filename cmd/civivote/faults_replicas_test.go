package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
)

// Three serve replicas on one database: every scheduled tick runs on one replica only,
// the outbox delivers each write once, a member racing to vote on all three at once gets
// exactly one ballot, and when the replica holding the outbox lease is killed mid-delivery
// another takes the job over within the lease time.
func TestThreeReplicas(t *testing.T) {
	faultsLong(t)
	site := newVotingSite(t, 80)
	ctx := context.Background()
	const leaseTTL = 3 * time.Second
	env := faultEnv(site.dsn, site.fake.URL(), "CIVIVOTE_LIFECYCLE_SCHEDULE=@every 1s", "CIVIVOTE_OUTBOX_SCHEDULE=@every 1s",
		"CIVIVOTE_LOG_LEVEL=debug", "CIVIVOTE_OUTBOX_BATCH=20", "CIVIVOTE_LEASE_TTL="+leaseTTL.String(),
		// Three replicas share a server that other test packages use too: sized as an
		// operator must size them, below the server's max_connections.
		"CIVIVOTE_DB_MAX_OPEN_CONNS=8")
	reps := []*replica{startReplica(t, env), startReplica(t, env), startReplica(t, env)}

	// Each of 30 members votes on all three replicas at the same moment.
	voters := site.members[:30]
	var mu sync.Mutex
	perVoter := map[int64][]castResult{}
	var wg sync.WaitGroup
	for _, id := range voters {
		for _, r := range reps {
			wg.Go(func() {
				res := castHTTP(r.base, id, site.form)
				mu.Lock()
				perVoter[id] = append(perVoter[id], res)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	var shown []string
	for id, rs := range perVoter {
		got, refused := 0, 0
		for _, r := range rs {
			switch {
			case r.receipt != "":
				got++
				shown = append(shown, r.receipt)
			case r.already:
				refused++
			}
		}
		if got != 1 || refused != 2 {
			var other []string
			for _, r := range rs {
				if r.receipt == "" && !r.already {
					other = append(other, fmt.Sprintf("status %d, error %v: %.300s", r.status, r.err, pageText(r.page)))
				}
			}
			t.Errorf("member %d racing on three replicas: %d receipts, %d 'already voted', want 1 and 2; the others got %q",
				id, got, refused, other)
		}
	}
	if n := checkBallotsAndMarks(t, site.db, shown); n != len(voters) {
		t.Errorf("%d ballots for %d voters", n, len(voters))
	}

	// The links issued when nominations opened are delivered once each.
	waitUntil(t, "the links to be delivered", func() (bool, bool) {
		st, err := site.db.Outbox().Stats(ctx, time.Now())
		return true, err == nil && st.Pending == 0
	})
	for id, n := range saveCounts(site.fake, "Contact", "id") {
		if n != 1 {
			t.Errorf("contact %d's link was saved %d times by three replicas, want once", id, n)
		}
	}
	if got := len(saveCounts(site.fake, "Contact", "id")); got != len(site.members) {
		t.Errorf("%d links delivered for %d members", got, len(site.members))
	}

	// The holder of the outbox lease dies in the middle of a slow delivery.
	site.fake.Inject(civicrmtest.Slow(time.Minute).On("Contact", "save").Times(1))
	var again []int64
	for _, id := range site.members[:10] {
		if err := site.db.ReissueLink(ctx, demoSlug, id, linkConfig(site.cfg), "test", time.Now()); err != nil {
			t.Fatal(err)
		}
		again = append(again, id)
	}
	holder := waitUntil(t, "a replica to hold the outbox lease", func() (store.Lease, bool) {
		l, ok := lease(t, site.db, outboxLease)
		// A drain takes milliseconds; one that has held the lease this long is stuck in the slow save.
		return l, ok && l.ExpiresAt.After(time.Now()) && time.Since(l.AcquiredAt) > 1500*time.Millisecond
	})
	var victim *replica
	for _, r := range reps {
		if strings.Contains(holder.Holder, "/"+strconv.Itoa(r.cmd.Process.Pid)+"/") {
			victim = r
		}
	}
	if victim == nil {
		t.Fatalf("no replica holds %+v", holder)
	}
	victim.kill9(t)
	killed := time.Now()
	taken := waitUntil(t, "another replica to take the outbox lease", func() (store.Lease, bool) {
		l, ok := lease(t, site.db, outboxLease)
		return l, ok && l.Holder != holder.Holder && l.AcquiredAt.After(holder.AcquiredAt)
	})
	handoff := time.Since(killed)
	if handoff > leaseTTL+5*time.Second {
		t.Errorf("the outbox lease passed to %s %s after its holder died; the lease is %s", taken.Holder, handoff, leaseTTL)
	}
	waitUntil(t, "the re-issued links to be delivered", func() (bool, bool) {
		st, err := site.db.Outbox().Stats(ctx, time.Now())
		return true, err == nil && st.Pending == 0
	})
	saves := saveCounts(site.fake, "Contact", "id")
	for _, id := range again {
		if saves[id] < 2 || saves[id] > 3 {
			t.Errorf("contact %d: %d link saves after a re-issue, want 2 (or 3 when its batch was cut off)", id, saves[id])
		}
		if v, _ := site.fake.CustomValue(id, linkField); !strings.HasSuffix(v, election.DeriveToken([]byte(testTokenSecret), demoSlug, id, 1)) {
			t.Errorf("contact %d holds %q, not its re-issued link", id, v)
		}
	}

	// Every scheduled tick ran on exactly one replica.
	type tick struct{ job, at string }
	ran := map[tick][]int{}
	for i, r := range reps {
		for _, m := range r.lines() {
			if m["msg"] == "job finished" || m["msg"] == "job failed" {
				k := tick{fmt.Sprint(m["job"]), fmt.Sprint(m["tick"])}
				ran[k] = append(ran[k], i)
			}
		}
	}
	perJob := map[string]int{}
	for k, who := range ran {
		perJob[k.job]++
		if len(who) != 1 {
			t.Errorf("%s tick %s ran on replicas %v", k.job, k.at, who)
		}
	}
	// The outbox's ticks are few: for most of the test one replica holds its lease in the
	// slow save, then a dead one holds it out. Each job must have run for the check above
	// to mean anything.
	if perJob[lifecycleLease] < 3 || perJob[outboxLease] < 1 {
		t.Errorf("ticks run: %v, want several lifecycle ticks and at least one outbox tick", perJob)
	}
	t.Logf("3 replicas; %d members raced (90 casts, %d ballots); ticks run once each: %v; lease handed over %s after kill -9 (TTL %s)",
		len(voters), len(shown), perJob, handoff.Round(100*time.Millisecond), leaseTTL)
}

func lease(t *testing.T, db *store.DB, name string) (store.Lease, bool) {
	t.Helper()
	ls, err := db.Leases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.Name == name {
			return l, true
		}
	}
	return store.Lease{}, false
}
