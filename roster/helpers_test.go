package roster_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/roster"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// day is the fake's today; the syncer's clock starts an hour later.
var day = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// clock is a settable clock shared by a test and its syncer.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// env is one test's fake CiviCRM, database and syncer.
type env struct {
	srv    *civicrmtest.Server
	src    *civicrm.RosterSource
	db     *store.DB
	clock  *clock
	reg    *prometheus.Registry
	syncer *roster.Syncer
}

type envOption func(*roster.Options, *env)

// withSource lets a test put a wrapper between the syncer and CiviCRM.
func withSource(wrap func(roster.Source) roster.Source) envOption {
	return func(o *roster.Options, _ *env) { o.Source = wrap(o.Source) }
}

// newEnv starts a fake with a generated roster of n memberships (0: none) and a syncer
// reading it in pages of 100 into a fresh database.
func newEnv(t *testing.T, n int, opts ...envOption) *env {
	t.Helper()
	fakeOpts := []civicrmtest.Option{civicrmtest.WithClock(func() time.Time { return day })}
	if n > 0 {
		fakeOpts = append(fakeOpts, civicrmtest.WithRoster(n, 7))
	}
	srv := civicrmtest.NewTestServer(t, fakeOpts...)
	client, err := civicrm.New(civicrm.Config{BaseURL: srv.URL(), APIKey: civicrmtest.AdminKey, PageSize: 100,
		MaxRetries: 1, MaxServerErrorRetries: 1,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }},
		zap.NewNop(), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{srv: srv, src: civicrm.NewRosterSource(client, civicrm.MemberQuery{}),
		db: storetest.OpenDSN(t, storetest.NewDatabase(t)), clock: &clock{day.Add(time.Hour)}, reg: prometheus.NewRegistry()}
	o := roster.Options{Source: e.src, Store: e.db, Registry: e.reg, Now: e.clock.now, Examples: 5}
	for _, opt := range opts {
		opt(&o, e)
	}
	e.syncer = roster.New(o)
	return e
}

// sync runs a sync and fails the test unless it ends with the outcome wanted.
func (e *env) sync(t *testing.T, req roster.Request, want roster.Outcome) *roster.Report {
	t.Helper()
	if req.Trigger == "" {
		req.Trigger = "cli"
	}
	rep, err := e.syncer.Sync(context.Background(), req)
	if rep == nil {
		t.Fatalf("sync returned no report (err %v)", err)
	}
	if rep.Outcome != want {
		t.Fatalf("sync outcome = %s (%s: %s), want %s; err %v", rep.Outcome, rep.Reason, rep.Error, want, err)
	}
	if (err != nil) != (want == roster.OutcomeFailed || want == roster.OutcomeGuardTripped) {
		t.Fatalf("sync error = %v with outcome %s", err, rep.Outcome)
	}
	e.clock.advance(15 * time.Minute)
	return rep
}

// snapshot digests everything a sync may change, to prove that a run changed nothing.
func (e *env) snapshot(t *testing.T) string {
	t.Helper()
	var members, audit, overrides string
	q := func(query string, dst *string) {
		t.Helper()
		var n int
		var sum sql.NullString
		if err := e.db.SQL().QueryRow(query).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		*dst = time.Duration(n).String() + "/" + sum.String
	}
	q(`SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', contact_id, membership_id, display_name, IFNULL(email, ''),
		membership_status, membership_count, IFNULL(end_date, ''), in_good_standing, first_seen_at, last_seen_at,
		IFNULL(lapsed_at, ''), IFNULL(lapse_reason, ''), row_hash))) FROM members`, &members)
	q(`SELECT COUNT(*), MAX(id) FROM audit_log`, &audit)
	q(`SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', contact_id, IFNULL(released_at, '')))) FROM member_overrides`, &overrides)
	return members + " " + audit + " " + overrides
}

// standing returns whether the contact is mirrored and in good standing, and the lapse reason.
func (e *env) standing(t *testing.T, contactID int64) (bool, string) {
	t.Helper()
	var good bool
	var reason sql.NullString
	err := e.db.SQL().QueryRow(`SELECT in_good_standing, lapse_reason FROM members WHERE contact_id = ?`, contactID).
		Scan(&good, &reason)
	if err != nil {
		t.Fatalf("member %d: %v", contactID, err)
	}
	return good, reason.String
}

// count runs a COUNT query.
func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// addMember adds a contact with one membership and returns both ids.
func (e *env) addMember(t *testing.T, name, email, status string, end time.Time) (int64, int64) {
	t.Helper()
	cid := e.srv.AddContact(civicrmtest.Contact{FirstName: name, LastName: "Test", Email: email})
	endDate := ""
	if !end.IsZero() {
		endDate = end.Format(time.DateOnly)
	}
	mid, err := e.srv.AddMembership(civicrmtest.Membership{ContactID: cid, Status: status,
		JoinDate: "2020-01-01", StartDate: "2026-01-01", EndDate: endDate})
	if err != nil {
		t.Fatal(err)
	}
	return cid, mid
}

// current lists the fake's current memberships through the client, folded per contact.
func (e *env) current(t *testing.T) map[int64]roster.Member {
	t.Helper()
	out := map[int64]roster.Member{}
	for m, err := range e.src.Memberships(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		out[m.ContactID] = roster.Fold(out[m.ContactID], roster.MemberOf(m))
	}
	return out
}
