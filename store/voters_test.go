package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// testLinks is the link configuration of every store test that issues links.
var testLinks = store.LinkConfig{Secret: []byte("store-test-token-secret-0123456789abcdef"), Field: "Union_Sync.voting_link"}

const rollSlug = "wise-ra-2023"

// Times of the wise-ra-2023 fixture (Europe/London is UTC in winter).
var (
	beforeNominations = time.Date(2022, 12, 20, 9, 0, 0, 0, time.UTC)
	inNominations     = time.Date(2023, 1, 10, 9, 0, 0, 0, time.UTC)
	inVoting          = time.Date(2023, 2, 10, 9, 0, 0, 0, time.UTC)
	afterVoting       = time.Date(2023, 3, 2, 9, 0, 0, 0, time.UTC)
)

// rollEnv is a database with the wise-ra-2023 election and a roster to give links to.
type rollEnv struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
}

// newRollEnv applies the fixture, with extra inserted before its positions (roll_closes…).
func newRollEnv(t *testing.T, extra string) *rollEnv {
	t.Helper()
	env := &rollEnv{t: t, ctx: context.Background(), db: storetest.OpenDSN(t, storetest.NewDatabase(t))}
	src := fixture(t, "wise-ra-2023.yaml")
	if extra != "" {
		src = []byte(strings.Replace(string(src), "\npositions:", "\n"+extra+"\npositions:", 1))
	}
	if _, err := env.db.ApplyElection(env.ctx, parse(t, src), src, "test", applyNow); err != nil {
		t.Fatal(err)
	}
	return env
}

// members puts contacts from..to on the roster, first seen at seen.
func (env *rollEnv) members(from, to int64, inGoodStanding bool, seen time.Time) {
	env.t.Helper()
	for c := from; c <= to; c++ {
		env.exec(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at)
			VALUES (?, ?, ?, ?, ?)`, c, fmt.Sprintf("Member %d", c), inGoodStanding, seen, seen)
	}
}

func (env *rollEnv) standing(contact int64, inGoodStanding bool) {
	env.t.Helper()
	env.exec(`UPDATE members SET in_good_standing = ? WHERE contact_id = ?`, inGoodStanding, contact)
}

func (env *rollEnv) exec(query string, args ...any) {
	env.t.Helper()
	if _, err := env.db.SQL().ExecContext(env.ctx, query, args...); err != nil {
		env.t.Fatal(err)
	}
}

func (env *rollEnv) count(query string, args ...any) int {
	env.t.Helper()
	return countRows(env.t, env.db, query, args...)
}

func (env *rollEnv) issue(now time.Time) store.IssueReport {
	env.t.Helper()
	rep, err := env.db.IssueLinks(env.ctx, rollSlug, testLinks, "test", now)
	if err != nil {
		env.t.Fatal(err)
	}
	return rep
}

// hash is the stored hash of contact's link at generation.
func hash(contact int64, generation int) [32]byte {
	return election.HashToken(election.DeriveToken(testLinks.Secret, rollSlug, contact, generation))
}

// outboxKeys lists the outbox's dedupe keys of kind, with their states, in queue order.
func (env *rollEnv) outboxKeys(kind string) []string {
	env.t.Helper()
	rows, err := env.db.SQL().QueryContext(env.ctx, `SELECT dedupe_key, state FROM outbox WHERE kind = ? ORDER BY id`, kind)
	if err != nil {
		env.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k, s string
		if err := rows.Scan(&k, &s); err != nil {
			env.t.Fatal(err)
		}
		out = append(out, k+" "+s)
	}
	if err := rows.Err(); err != nil {
		env.t.Fatal(err)
	}
	return out
}

func TestIssueLinksOnceToMembersInGoodStandingAndTheTokenFindsTheVoter(t *testing.T) {
	env := newRollEnv(t, "")
	env.members(1, 5, true, applyNow)
	env.members(6, 6, false, applyNow)

	rep := env.issue(inNominations)
	if rep.Issued != 5 || rep.Revoked != 0 || rep.Restored != 0 {
		t.Fatalf("first issue: %+v, want 5 issued", rep)
	}
	if n := env.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'link'`); n != 5 {
		t.Errorf("%d link writes queued, want 5", n)
	}
	group := outbox.ElectionGroup(rollSlug, "2023 IWW WISE-RA Regional Administration Officer Elections")
	if n := env.count(`SELECT COUNT(*) FROM outbox WHERE kind = 'group_add' AND JSON_VALUE(payload, '$.group.name') = ?
		AND JSON_VALUE(payload, '$.group.title') = ?`, group.Name, group.Title); n != 5 {
		t.Errorf("%d adds to the election's group queued, want 5", n)
	}
	if rep := env.issue(inNominations); rep.Changed() {
		t.Errorf("second issue changed the roll: %+v", rep)
	}
	if n := env.count(`SELECT COUNT(*) FROM outbox`); n != 10 {
		t.Errorf("after a second issue the outbox holds %d items, want the same 10", n)
	}
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE action = ?`, store.ActionLinksIssued); n != 1 {
		t.Errorf("%d links.issued audit entries, want 1 (the second issue changed nothing)", n)
	}

	token := election.DeriveToken(testLinks.Secret, rollSlug, 3, 0)
	if n := env.count(`SELECT COUNT(*) FROM voters WHERE token_hash = ? OR token_hash = ?`, token, []byte(token)[:32]); n != 0 {
		t.Error("the voters table holds the token itself")
	}
	v, err := env.db.VoterByToken(env.ctx, sha256.Sum256([]byte(token)))
	if err != nil {
		t.Fatal(err)
	}
	if v.ContactID != 3 || v.Name != "Member 3" || !v.InGoodStanding || v.Voted || v.Generation != 0 {
		t.Errorf("voter %+v, want contact 3 in good standing, generation 0", v)
	}
	if v.Election.Definition.Slug != rollSlug || v.Election.State != election.Draft || v.Election.ID == 0 {
		t.Errorf("voter's election %+v, want the stored draft %s", v.Election, rollSlug)
	}
	if _, err := env.db.VoterByToken(env.ctx, hash(6, 0)); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("link of a member never in good standing: %v, want not found", err)
	}
	other := election.HashToken(election.DeriveToken([]byte("another secret entirely, 32 bytes+"), rollSlug, 3, 0))
	if _, err := env.db.VoterByToken(env.ctx, other); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("token from another secret: %v, want not found", err)
	}
}

func TestReissueKillsTheOldLinkAndQueuesTheNewOne(t *testing.T) {
	env := newRollEnv(t, "")
	env.members(1, 3, true, applyNow)
	env.issue(inNominations)

	if err := env.db.ReissueLink(env.ctx, rollSlug, 2, testLinks, "committee", inNominations); err != nil {
		t.Fatal(err)
	}
	if _, err := env.db.VoterByToken(env.ctx, hash(2, 0)); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("old link after reissue: %v, want not found", err)
	}
	v, err := env.db.VoterByToken(env.ctx, hash(2, 1))
	if err != nil || v.ContactID != 2 || v.Generation != 1 {
		t.Fatalf("new link: %+v, %v; want contact 2 at generation 1", v, err)
	}
	keys := env.outboxKeys("link")
	want := "link:" + rollSlug + ":2:0 superseded"
	if !contains(keys, want) || !contains(keys, "link:"+rollSlug+":2:1 pending") {
		t.Errorf("link items %v: want the old one superseded and the new one pending", keys)
	}
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND contact_id = 2 AND actor = 'committee'`, store.ActionLinkReissued); n != 1 {
		t.Errorf("%d reissue audit entries for contact 2, want 1", n)
	}
	if err := env.db.ReissueLink(env.ctx, rollSlug, 99, testLinks, "committee", inNominations); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("reissue for a contact without a link: %v, want not found", err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestLapseRevokesAndReturnRestoresEachTime(t *testing.T) {
	env := newRollEnv(t, "")
	env.members(1, 3, true, applyNow)
	env.issue(inNominations)

	env.standing(2, false)
	if rep := env.issue(inNominations); rep.Revoked != 1 || rep.Issued+rep.Restored != 0 {
		t.Fatalf("after a lapse: %+v, want 1 revoked", rep)
	}
	v, err := env.db.VoterByToken(env.ctx, hash(2, 0))
	if err != nil || v.InGoodStanding {
		t.Errorf("a lapsed member's link: %+v, %v; want the voter, not in good standing", v, err)
	} else if err := v.CheckInGoodStanding(); !errors.Is(err, election.ErrWrongState) {
		t.Errorf("lapsed member's check: %v", err)
	}

	env.standing(2, true)
	if rep := env.issue(inNominations); rep.Restored != 1 || rep.Issued+rep.Revoked != 0 {
		t.Fatalf("after a return: %+v, want 1 restored", rep)
	}
	env.standing(2, false)
	env.issue(inNominations)
	env.standing(2, true)
	env.issue(inNominations)

	group := outbox.ElectionGroup(rollSlug, "").Name
	if got, want := env.outboxKeys("group_remove"), []string{
		"group-remove:" + group + ":2#1 superseded", "group-remove:" + group + ":2#2 superseded",
	}; !equal(got, want) {
		t.Errorf("group removals %v, want %v (each superseded by the return that followed)", got, want)
	}
	adds := env.outboxKeys("group_add")
	if !contains(adds, "group-add:"+group+":2#1 superseded") || !contains(adds, "group-add:"+group+":2#2 pending") {
		t.Errorf("group adds %v: want a re-add for each return, the last one pending", adds)
	}
	if n := env.count(`SELECT COUNT(*) FROM voters WHERE revoked_at IS NULL`); n != 3 {
		t.Errorf("%d live links, want 3", n)
	}
}

func equal(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

func TestRollClosesKeepsLateMembersOffAndIsAuditedOnce(t *testing.T) {
	env := newRollEnv(t, "roll_closes: 2023-01-15T12:00")
	closes := time.Date(2023, 1, 15, 12, 0, 0, 0, time.UTC)
	env.members(1, 3, true, applyNow)
	env.issue(inNominations)
	// On the roll before the close, lapses and comes back after it: restored.
	env.standing(3, false)
	env.issue(inNominations)
	env.standing(3, true)
	// Eligible before the close but not yet issued (the daemon was down): still gets a link.
	env.members(4, 4, true, closes.Add(-time.Minute))
	// Joins exactly at the close, and after it: no link.
	env.members(5, 5, true, closes)
	env.members(6, 6, true, closes.Add(time.Hour))
	// A member seen long ago, current again by a sync after the close: no link.
	env.members(7, 7, true, applyNow)
	env.exec(`INSERT INTO audit_log (at, actor, action, contact_id, details) VALUES (?, 'sync', 'member.reactivated', 7, '{}')`,
		closes.Add(2*time.Hour))

	after := closes.Add(3 * time.Hour)
	rep := env.issue(after)
	if rep.Issued != 1 || rep.Restored != 1 || rep.Held != 3 || !rep.RollClosed {
		t.Fatalf("issue after the roll closed: %+v; want member 4 issued, 3 restored, 3 held, the closing recorded", rep)
	}
	if n := env.count(`SELECT COUNT(*) FROM voters WHERE contact_id IN (5, 6, 7)`); n != 0 {
		t.Errorf("%d links for members who became eligible at or after the close", n)
	}
	if rep := env.issue(after.Add(time.Hour)); rep.RollClosed || rep.Changed() {
		t.Errorf("second issue after the close: %+v, want nothing", rep)
	}
	var size int
	var rule string
	if err := env.db.SQL().QueryRowContext(env.ctx, `SELECT JSON_VALUE(details, '$.size'), JSON_VALUE(details, '$.rule')
		FROM audit_log WHERE action = ?`, store.ActionRollClosed).Scan(&size, &rule); err != nil {
		t.Fatalf("roll.closed audit entry: %v (want exactly one)", err)
	}
	if size != 4 || !strings.Contains(rule, "15 January 2023") {
		t.Errorf("roll closed with size %d and rule %q; want 4 and the close in the election's time", size, rule)
	}
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE action = ?`, store.ActionRollClosed); n != 1 {
		t.Errorf("%d roll.closed entries, want 1", n)
	}
}

func TestLinksAreRefusedOnceVotingHasClosed(t *testing.T) {
	env := newRollEnv(t, "")
	env.members(1, 2, true, applyNow)
	env.issue(inNominations)
	if _, err := env.db.IssueLinks(env.ctx, rollSlug, testLinks, "test", afterVoting); !errors.Is(err, election.ErrWrongState) ||
		!strings.Contains(err.Error(), "voting in "+rollSlug+" has closed") {
		t.Errorf("issue after voting closed: %v", err)
	}
	if err := env.db.ReissueLink(env.ctx, rollSlug, 1, testLinks, "test", afterVoting); !errors.Is(err, election.ErrWrongState) {
		t.Errorf("reissue after voting closed: %v", err)
	}
	if _, err := env.db.IssueLinks(env.ctx, "no-such-election", testLinks, "test", inNominations); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("issue for an unknown election: %v", err)
	}
	if _, err := env.db.IssueLinks(env.ctx, rollSlug, store.LinkConfig{}, "test", inNominations); err == nil {
		t.Error("issue without a secret succeeded")
	}
}
