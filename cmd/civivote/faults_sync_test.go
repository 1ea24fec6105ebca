package main

import (
	"context"
	"testing"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// rollState is the mirror of the roster: contact id -> (in good standing, row hash).
type rollState map[int64]struct {
	good bool
	hash uint64
}

func readRoll(t *testing.T, db *store.DB) rollState {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), `SELECT contact_id, in_good_standing, row_hash FROM members`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := rollState{}
	for rows.Next() {
		var id int64
		var v struct {
			good bool
			hash uint64
		}
		if err := rows.Scan(&id, &v.good, &v.hash); err != nil {
			t.Fatal(err)
		}
		out[id] = v
	}
	return out
}

// kill -9 of serve in the middle of a roster sync's reading: the roll is exactly as the
// last completed sync left it (no member lapsed because the dead run had not read them
// yet), and the next scheduled sync, on the restarted server, completes and applies what
// really changed in CiviCRM — and nothing else.
func TestKillServeDuringRosterSync(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), civicrmtest.WithUnion(700, 11))
	dsn := storetest.NewDatabase(t)
	db := storetest.OpenDSN(t, dsn)
	cli := map[string]string{"CIVIVOTE_MYSQL_DSN": dsn, "CIVIVOTE_CIVICRM_URL": fake.URL(),
		"CIVIVOTE_CIVICRM_API_KEY": civicrmtest.AdminKey, "CIVIVOTE_PUBLIC_URL": "https://vote.example.org",
		"CIVIVOTE_TOKEN_SECRET": testTokenSecret, "CIVIVOTE_LOG_LEVEL": "warn"}
	mustRun(t, cli, "sync")
	before := readRoll(t, db)

	// Five members lapse in CiviCRM.
	var lapsing []int64
	for id, m := range before {
		if len(lapsing) == 5 {
			break
		}
		ms := fake.MembershipsOf(id)
		if m.good && len(ms) == 1 && (ms[0].Status == "Current" || ms[0].Status == "New") {
			if err := fake.SetMembershipStatus(ms[0].ID, "Expired"); err != nil {
				t.Fatal(err)
			}
			lapsing = append(lapsing, id)
		}
	}
	if len(lapsing) < 5 {
		t.Fatalf("found %d members with one current membership to lapse", len(lapsing))
	}

	env := faultEnv(dsn, fake.URL(), "CIVIVOTE_SYNC_SCHEDULE=@every 1s", "CIVIVOTE_CIVICRM_PAGE_SIZE=100")
	// The third page of memberships is read, then the process dies before it sees the
	// answer: the fake holds its answer until the test has killed the process.
	reached, dead := make(chan struct{}), make(chan struct{})
	fake.AfterCall("Membership", "get", 3, func(*civicrmtest.Server) {
		close(reached)
		<-dead
	})
	first := startReplica(t, env)
	<-reached
	first.cmd.Process.Kill()
	first.cmd.Wait()
	close(dead)
	if got := readRoll(t, db); !sameRoll(got, before) {
		t.Fatalf("the roll changed after a sync was killed while reading (%d members before, %d after)", len(before), len(got))
	}

	second := startReplica(t, env)
	waitLog(t, second, "job finished", func(m map[string]any) bool { return m["job"] == syncLease })
	after := readRoll(t, db)
	for id, m := range before {
		a, ok := after[id]
		lapsed := m.good && !a.good
		switch {
		case !ok:
			t.Errorf("member %d vanished from the roll", id)
		case lapsed != contains(lapsing, id):
			t.Errorf("member %d: in good standing %v before, %v after; lapsed in CiviCRM: %v", id, m.good, a.good, contains(lapsing, id))
		}
	}
	var running int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM sync_runs WHERE outcome = 'running'`).Scan(&running); err != nil {
		t.Fatal(err)
	}
	if running != 0 {
		t.Errorf("%d sync runs still show as running after the next sync completed; the killed one must not", running)
	}
	t.Logf("%d members, sync killed on its 3rd page, %d lapsed by the next sync as in CiviCRM", len(before), len(lapsing))
}

func sameRoll(a, b rollState) bool {
	if len(a) != len(b) {
		return false
	}
	for id, m := range a {
		if b[id] != m {
			return false
		}
	}
	return true
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
