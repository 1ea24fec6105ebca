package store_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/google/go-cmp/cmp"
)

// publishNow is after the WISE-RA voting window has closed.
var publishNow = time.Date(2023, 3, 2, 10, 0, 0, 0, time.UTC)

// castAll casts one ballot per choices, voter i casting choices[i], and returns the
// receipts in the same order.
func (st *pollingStation) castAll(tb testing.TB, choices []election.Choices) []string {
	tb.Helper()
	receipts := make([]string, len(choices))
	for i, c := range choices {
		b, err := st.paper.Encode(c)
		if err != nil {
			tb.Fatal(err)
		}
		if receipts[i], err = st.db.CastBallot(context.Background(), st.voter(i), b, castNow); err != nil {
			tb.Fatal(err)
		}
	}
	return receipts
}

// close closes voting the way the committee does by hand.
func (st *pollingStation) close(tb testing.TB) {
	tb.Helper()
	if _, err := st.db.AdvanceElection(context.Background(), st.slug(), "test: close the ballot box", testLinks, "test", castNow); err != nil {
		tb.Fatal(err)
	}
}

func (st *pollingStation) slug() string { return st.election.Definition.Slug }

// randomChoices fills a ballot at random: per position nothing, RON, or up to its seats
// of candidates.
func (st *pollingStation) randomChoices(r *rand.Rand) election.Choices {
	c := election.Choices{}
	for _, con := range st.paper.Contests() {
		switch r.IntN(4) {
		case 0: // blank
		case 1:
			c[con.Key] = []int64{election.RON}
		default:
			c[con.Key] = []int64{con.Candidates[r.IntN(len(con.Candidates))]}
		}
	}
	return c
}

// pickAll chooses candidate pick%2 on every position.
func (st *pollingStation) pickAll(pick int) election.Choices {
	c := election.Choices{}
	for _, con := range st.paper.Contests() {
		c[con.Key] = []int64{con.Candidates[pick%2]}
	}
	return c
}

// openAt opens another handle on the database at dsn whose clock stands at now.
func openAt(t *testing.T, dsn string, now time.Time) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{DSN: dsn, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func wantKind(t *testing.T, err, kind error, words ...string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want kind %v", err, kind)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

func TestCountRefusesBeforeTheCloseThenEqualsTheTallyOfTheSameBallots(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	st := openStation(t, db, 120)
	r := rand.New(rand.NewPCG(7, 7))
	var choices []election.Choices
	for range 100 {
		choices = append(choices, st.randomChoices(r))
	}
	st.castAll(t, choices)

	_, err := openAt(t, storetest.DSN(t), castNow).Count(ctx, st.slug())
	wantKind(t, err, election.ErrWrongState, "only after voting closes at Tuesday 28 February 2023, 23:59 GMT")
	_, err = db.Count(ctx, st.slug()) // the clock is past the close, the lifecycle not yet
	wantKind(t, err, election.ErrWrongState, "the ballot box is not closed yet", "civivote election advance "+st.slug())

	st.close(t)
	c, err := db.Count(ctx, st.slug())
	if err != nil {
		t.Fatal(err)
	}
	ballots := make([]election.Ballot, len(choices))
	for i, ch := range choices {
		ballots[i], _ = st.paper.Encode(ch)
	}
	want, err := election.Tally(st.paper, slices.Values(ballots), 120)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, c.Result); diff != "" {
		t.Errorf("count differs from a tally of the cast ballots (-tally +count):\n%s", diff)
	}
	if c.Result.BallotsCast != 100 || c.Result.Eligible != 120 {
		t.Errorf("cast %d of %d, want 100 of 120", c.Result.BallotsCast, c.Result.Eligible)
	}
	first := st.paper.Contests()[0]
	if c.Names[first.Candidates[0]] == "" {
		t.Errorf("no name for candidate %d", first.Candidates[0])
	}
}

func TestTiesBlockPublicationAreResolvedPersistedAndReplayed(t *testing.T) {
	dsn := storetest.NewDatabase(t)
	db := storetest.OpenDSN(t, dsn)
	ctx := context.Background()
	st := openStation(t, db, 6)
	st.castAll(t, []election.Choices{st.pickAll(0), st.pickAll(1), st.pickAll(0), st.pickAll(1)})
	st.close(t)

	c, err := db.Count(ctx, st.slug())
	if err != nil {
		t.Fatal(err)
	}
	open := c.Result.Unresolved()
	if len(open) != len(st.paper.Contests()) {
		t.Fatalf("%d ties, want one per position (%d)", len(open), len(st.paper.Contests()))
	}
	_, err = db.Publish(ctx, st.slug(), nil, "test", publishNow)
	wantKind(t, err, election.ErrTieUnresolved, "civivote tally "+st.slug()+" --resolve-tie")

	first := st.paper.Contests()[0]
	a, b := first.Candidates[0], first.Candidates[1]
	_, err = db.ResolveTie(ctx, st.slug(), first.Key, a, "  ", "test", publishNow)
	wantKind(t, err, election.ErrInvalid, "give the reason")
	_, err = db.ResolveTie(ctx, st.slug(), first.Key, 999999, "lot", "test", publishNow)
	wantKind(t, err, election.ErrInvalid, "is not in the tie")
	_, err = db.ResolveTie(ctx, st.slug(), "no-such-position", a, "lot", "test", publishNow)
	wantKind(t, err, election.ErrNotFound, "has no position")
	if n := st.count(t, `SELECT COUNT(*) FROM tie_resolutions WHERE election_id = ?`); n != 0 {
		t.Fatalf("%d resolutions stored after refused requests, want 0", n)
	}

	c, err = db.ResolveTie(ctx, st.slug(), first.Key, b, "Drawn from a hat by the chair, witnessed by both candidates", "cli", publishNow)
	if err != nil {
		t.Fatal(err)
	}
	if pr := c.Result.Position(first.Key); pr.Tie != nil || !slices.Equal(pr.Elected, []int64{b}) {
		t.Errorf("after the draw: tie %v, elected %v; want %d elected", pr.Tie, pr.Elected, b)
	}
	_, err = db.ResolveTie(ctx, st.slug(), first.Key, a, "again", "cli", publishNow)
	wantKind(t, err, election.ErrConflict, "no unresolved tie")

	log, err := db.AuditLog(ctx, st.slug(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	if last.Action != store.ActionTieResolved || last.Actor != "cli" || last.Details["position"] != first.Key ||
		last.Details["winner"] != float64(b) || last.Details["reason"] != "Drawn from a hat by the chair, witnessed by both candidates" ||
		len(last.Details["tied"].([]any)) != 2 {
		t.Errorf("audit entry %+v", last)
	}

	// A restart: a new handle on the same database replays the decision.
	again := storetest.OpenDSN(t, dsn)
	c, err = again.Count(ctx, st.slug())
	if err != nil {
		t.Fatal(err)
	}
	if pr := c.Result.Position(first.Key); pr.Tie != nil || !slices.Equal(pr.Elected, []int64{b}) || len(pr.Resolutions) != 1 {
		t.Errorf("after a restart: tie %v, elected %v, resolutions %v", pr.Tie, pr.Elected, pr.Resolutions)
	}
	if len(c.Resolutions) != 1 || len(c.Void) != 0 {
		t.Errorf("replayed %d, void %d; want 1, 0", len(c.Resolutions), len(c.Void))
	}
	for _, pr := range c.Result.Unresolved() {
		if _, err := again.ResolveTie(ctx, st.slug(), pr.Key, pr.Tie.Candidates[0], "lot", "cli", publishNow); err != nil {
			t.Fatal(err)
		}
	}
	pub, err := again.Publish(ctx, st.slug(), nil, "cli", publishNow)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := election.ParseResults(pub.ResultsJSON)
	if err != nil {
		t.Fatal(err)
	}
	if res := doc.Positions[0].Resolutions; len(res) != 1 || res[0].Winner != election.ChoiceID(b) {
		t.Errorf("published resolutions %+v", res)
	}

	// A ballot that arrives later (an accepted challenge) breaks the tie: the decision no
	// longer applies and is reported void, not applied to a different draw.
	insertBallot(t, db, st, st.pickAll(0))
	c, err = again.Count(ctx, st.slug())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Void) != len(st.paper.Contests()) || len(c.Resolutions) != 0 {
		t.Errorf("after a late ballot: %d void, %d replayed; want every decision void", len(c.Void), len(c.Resolutions))
	}
	if pr := c.Result.Position(first.Key); !slices.Equal(pr.Elected, []int64{a}) {
		t.Errorf("after a late ballot %v elected, want %d", pr.Elected, a)
	}
}

// insertBallot adds a ballot as an accepted challenged ballot does, through the table.
func insertBallot(t *testing.T, db *store.DB, st *pollingStation, c election.Choices) {
	t.Helper()
	raw := map[string][]string{}
	for k, ids := range c {
		for _, id := range ids {
			raw[k] = append(raw[k], election.ChoiceID(id))
		}
	}
	js, _ := json.Marshal(raw)
	id := make([]byte, 16)
	for i := range id {
		id[i] = byte(rand.IntN(256))
	}
	if _, err := db.SQL().Exec(`INSERT INTO ballots (id, election_id, receipt_code, choices) VALUES (?, ?, ?, ?)`,
		id, st.election.ID, "W8TE2-BXXK3-T4567", js); err != nil {
		t.Fatal(err)
	}
}

func TestPublishFreezesHashedSignedResultsAndRepublishesALateChange(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	st := openStation(t, db, 10)
	var choices []election.Choices
	for i := range 7 {
		choices = append(choices, st.pickAll(i/5)) // 5 for the first candidates, 2 for the second
	}
	receipts := st.castAll(t, choices)

	_, err := db.Publish(ctx, st.slug(), nil, "cli", publishNow)
	wantKind(t, err, election.ErrWrongState, "the ballot box is not closed yet")
	_, err = db.Publication(ctx, st.slug())
	wantKind(t, err, election.ErrNotFound, "not published yet")
	var sink bytes.Buffer
	wantKind(t, db.WritePublishedBallots(ctx, st.slug(), &sink), election.ErrNotFound)
	_, err = db.PublishedBallot(ctx, st.slug(), receipts[0])
	wantKind(t, err, election.ErrNotFound, "not published yet")

	st.close(t)
	pubKey, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := db.Publish(ctx, st.slug(), key, "api:admin", publishNow)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Revision != 1 || pub.ResultsSHA256 != sha256.Sum256(pub.ResultsJSON) {
		t.Errorf("revision %d, results hash %x vs sha256 %x", pub.Revision, pub.ResultsSHA256, sha256.Sum256(pub.ResultsJSON))
	}
	if !ed25519.Verify(pubKey, pub.ResultsJSON, pub.ResultsSignature) || !bytes.Equal(pub.SigningPublicKey, pubKey) {
		t.Error("results.json's signature does not verify with the signing key")
	}
	var ballotsJSON bytes.Buffer
	if err := db.WritePublishedBallots(ctx, st.slug(), &ballotsJSON); err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(ballotsJSON.Bytes()) != pub.BallotsSHA256 {
		t.Error("the published ballots hash is not the SHA-256 of what WritePublishedBallots streams")
	}
	stored, err := db.Publication(ctx, st.slug())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored.ResultsJSON, pub.ResultsJSON) || !bytes.Equal(stored.ResultsCSV, pub.ResultsCSV) ||
		stored.BallotsSHA256 != pub.BallotsSHA256 || !bytes.Equal(stored.ResultsSignature, pub.ResultsSignature) ||
		!stored.PublishedAt.Equal(pub.PublishedAt) {
		t.Error("Publication does not return what Publish froze")
	}
	if e, _ := db.GetElection(ctx, st.slug()); e.State != election.ResultsPublished {
		t.Errorf("state %s after publishing", e.State)
	}

	// An observer recounts from ballots.json alone and finds the published votes.
	recount := recountBallotsJSON(t, ballotsJSON.Bytes())
	doc, err := election.ParseResults(pub.ResultsJSON)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range doc.Positions {
		for _, c := range p.Candidates {
			if recount[p.Key][c.ID] != c.Votes {
				t.Errorf("%s %s: published %d votes, recount %d", p.Key, c.ID, c.Votes, recount[p.Key][c.ID])
			}
		}
	}
	first := st.paper.Contests()[0]
	if got := doc.Positions[0].Elected; !slices.Equal(got, []string{election.ChoiceID(first.Candidates[0])}) {
		t.Errorf("elected %v", got)
	}

	got, err := db.PublishedBallot(ctx, st.slug(), strings.ToLower(strings.ReplaceAll(receipts[6], "-", "")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(choices[6], got); diff != "" {
		t.Errorf("ballot by receipt (-cast +found):\n%s", diff)
	}
	_, err = db.PublishedBallot(ctx, st.slug(), "ZZZZZ-ZZZZZ-ZZZZZ")
	wantKind(t, err, election.ErrNotFound, "no counted ballot")

	_, err = db.Publish(ctx, st.slug(), key, "cli", publishNow.Add(time.Hour))
	wantKind(t, err, election.ErrConflict, "nothing has changed since revision 1")

	// A late accepted challenge changes the ballots: ballots.json is withheld until the
	// committee republishes, and the republication is revision 2.
	insertBallot(t, db, st, st.pickAll(1))
	wantKind(t, db.WritePublishedBallots(ctx, st.slug(), &sink), election.ErrConflict, "republishes")
	if sink.Len() != 0 {
		t.Errorf("%d bytes written before the refusal", sink.Len())
	}
	pub2, err := db.Publish(ctx, st.slug(), key, "cli", publishNow.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if pub2.Revision != 2 || pub2.BallotsSHA256 == pub.BallotsSHA256 {
		t.Errorf("republished revision %d, same ballots hash %v", pub2.Revision, pub2.BallotsSHA256 == pub.BallotsSHA256)
	}
	ballotsJSON.Reset()
	if err := db.WritePublishedBallots(ctx, st.slug(), &ballotsJSON); err != nil || sha256.Sum256(ballotsJSON.Bytes()) != pub2.BallotsSHA256 {
		t.Errorf("after republishing: %v, hash matches %v", err, sha256.Sum256(ballotsJSON.Bytes()) == pub2.BallotsSHA256)
	}
	if e, _ := db.GetElection(ctx, st.slug()); e.State != election.ResultsPublished {
		t.Errorf("state %s after republishing", e.State)
	}

	log, err := db.AuditLog(ctx, st.slug(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range log {
		actions = append(actions, a.Action)
	}
	want := []string{store.ActionElectionAdvanced, store.ActionResultsPublished, store.ActionResultsRepublished}
	if !slices.Equal(actions[len(actions)-3:], want) {
		t.Errorf("audit ends %v, want %v", actions, want)
	}
	pubEntry := log[len(log)-2]
	if pubEntry.Actor != "api:admin" || pubEntry.Details["ballots_sha256"] != hexOf(pub.BallotsSHA256) ||
		pubEntry.Details["results_sha256"] != hexOf(pub.ResultsSHA256) || pubEntry.Details["revision"] != float64(1) {
		t.Errorf("publication audit %+v", pubEntry)
	}
	if log[len(log)-1].Details["revision"] != float64(2) {
		t.Errorf("republication audit %+v", log[len(log)-1])
	}
	page, err := db.AuditLog(ctx, st.slug(), log[len(log)-3].ID, 1)
	if err != nil || len(page) != 1 || page[0].ID != log[len(log)-2].ID {
		t.Errorf("page after %d: %+v, %v", log[len(log)-3].ID, page, err)
	}
	if all, err := db.AuditLog(ctx, "", 0, 0); err != nil || len(all) < len(log) || all[len(all)-1].Election == "" {
		t.Errorf("whole log: %d entries, %v", len(all), err)
	}
	_, err = db.AuditLog(ctx, "no-such-election", 0, 0)
	wantKind(t, err, election.ErrNotFound)

	_, err = db.AdvanceElection(ctx, st.slug(), "skip ahead", testLinks, "cli", publishNow)
	wantKind(t, err, election.ErrWrongState, "civivote writeback "+st.slug())
}

func hexOf(b [32]byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 64)
	for i, x := range b {
		out[2*i], out[2*i+1] = digits[x>>4], digits[x&15]
	}
	return string(out)
}

// recountBallotsJSON counts ballots.json as an observer would: votes per position per
// choice id.
func recountBallotsJSON(t *testing.T, b []byte) map[string]map[string]int {
	t.Helper()
	var doc struct {
		Format  string `json:"format"`
		Ballots []struct {
			Receipt string              `json:"receipt"`
			Choices map[string][]string `json:"choices"`
		} `json:"ballots"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Format != election.BallotsFormat {
		t.Fatalf("ballots.json: %v (format %q)", err, doc.Format)
	}
	out := map[string]map[string]int{}
	for _, bl := range doc.Ballots {
		for k, ids := range bl.Choices {
			if out[k] == nil {
				out[k] = map[string]int{}
			}
			for _, id := range ids {
				out[k][id]++
			}
		}
	}
	return out
}

func TestPublishWaitsForChallengesThatCouldChangeASeat(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	st := openStation(t, db, 6)
	st.castAll(t, []election.Choices{st.pickAll(0), st.pickAll(0), st.pickAll(1)})
	st.close(t)
	// One open challenge, as a member off the roll leaves it: 2 to 1 could become 2 to 2.
	if _, err := db.SQL().Exec(`INSERT INTO challenged_ballots (election_id, contact_id, off_roll, reason, choices, receipt_code,
		status, created_at) VALUES (?, 77, 'lapsed', 'paid my dues late', '{}', 'CHAL2-LENG3-ED456', 'open', ?)`,
		st.election.ID, castNow); err != nil {
		t.Fatal(err)
	}
	c, err := db.Count(ctx, st.slug())
	if err != nil {
		t.Fatal(err)
	}
	if c.Challenges.Open != 1 || len(c.CouldChange) != len(st.paper.Contests()) {
		t.Errorf("challenges %+v, could change %v", c.Challenges, c.CouldChange)
	}
	first := st.paper.Contests()[0]
	_, err = db.Publish(ctx, st.slug(), nil, "cli", publishNow)
	wantKind(t, err, election.ErrConflict, "1 open challenged ballot could change", first.Title, "civivote challenges list "+st.slug())
	if _, err := db.Publication(ctx, st.slug()); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("published despite the refusal: %v", err)
	}
	if _, err := db.SQL().Exec(`UPDATE challenged_ballots SET status = 'rejected', choices = NULL, receipt_code = NULL
		WHERE election_id = ?`, st.election.ID); err != nil {
		t.Fatal(err)
	}
	pub, err := db.Publish(ctx, st.slug(), nil, "cli", publishNow)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := election.ParseResults(pub.ResultsJSON)
	if doc.Challenges != (election.ChallengeCounts{Rejected: 1}) {
		t.Errorf("published challenges %+v", doc.Challenges)
	}
}

func TestPurgeAfterRetentionKeepsBallotsResultsAndTurnout(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	st := openStation(t, db, 5)
	receipts := st.castAll(t, []election.Choices{st.pickAll(0), st.pickAll(0), st.pickAll(1)})
	token := "purge-test-token-" + st.slug()
	hash := election.HashToken(token)
	if _, err := db.SQL().Exec(`UPDATE voters SET token_hash = ? WHERE election_id = ? AND contact_id = ?`,
		hash[:], st.election.ID, st.voter(4).ContactID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.VoterByToken(ctx, hash); err != nil {
		t.Fatalf("the link does not open before the purge: %v", err)
	}
	year := 365 * 24 * time.Hour
	_, err := db.Purge(ctx, st.slug(), year, "cli", publishNow)
	wantKind(t, err, election.ErrWrongState, "not published", "civivote publish "+st.slug())

	st.close(t)
	pub, err := db.Publish(ctx, st.slug(), nil, "cli", publishNow)
	if err != nil {
		t.Fatal(err)
	}
	before, err := db.Count(ctx, st.slug())
	if err != nil {
		t.Fatal(err)
	}
	turnout, err := db.Turnout(ctx, st.slug())
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Purge(ctx, st.slug(), year, "cli", publishNow.Add(year-time.Minute))
	wantKind(t, err, election.ErrWrongState, "must be kept until 2024-03-01", "CIVIVOTE_RETENTION_DAYS")
	_, err = db.Purge(ctx, st.slug(), 0, "cli", publishNow.Add(2*year))
	wantKind(t, err, election.ErrInvalid)
	if n := st.count(t, `SELECT COUNT(*) FROM voters WHERE election_id = ?`); n != 5 {
		t.Fatalf("%d voters after refused purges, want 5", n)
	}

	rep, err := db.Purge(ctx, st.slug(), year, "cli", publishNow.Add(year))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Voters != 5 || rep.Ballots != 3 || rep.Turnout.Voted != 3 || rep.Turnout.Eligible != 5 {
		t.Errorf("report %+v", rep)
	}
	if n := st.count(t, `SELECT COUNT(*) FROM voters WHERE election_id = ?`); n != 0 {
		t.Errorf("%d voters rows (token hashes, voted marks) left, want 0", n)
	}
	if _, err := db.VoterByToken(ctx, hash); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("the link still resolves after the purge: %v", err)
	}
	after, err := db.Count(ctx, st.slug())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before.Result, after.Result); diff != "" {
		t.Errorf("the count changed with the purge:\n%s", diff)
	}
	kept, err := db.Turnout(ctx, st.slug())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(turnout, kept); diff != "" {
		t.Errorf("turnout after the purge differs:\n%s", diff)
	}
	stored, err := db.Publication(ctx, st.slug())
	if err != nil || !bytes.Equal(stored.ResultsJSON, pub.ResultsJSON) {
		t.Errorf("publication after the purge: %v", err)
	}
	var b bytes.Buffer
	if err := db.WritePublishedBallots(ctx, st.slug(), &b); err != nil || sha256.Sum256(b.Bytes()) != pub.BallotsSHA256 {
		t.Errorf("ballots.json after the purge: %v", err)
	}
	if _, err := db.PublishedBallot(ctx, st.slug(), receipts[2]); err != nil {
		t.Errorf("receipt check after the purge: %v", err)
	}
	_, err = db.Purge(ctx, st.slug(), year, "cli", publishNow.Add(2*year))
	wantKind(t, err, election.ErrConflict, "were purged on")
	log, _ := db.AuditLog(ctx, st.slug(), 0, 0)
	if a := log[len(log)-1]; a.Action != store.ActionElectionPurged || a.Details["voters_deleted"] != float64(5) || a.Details["retention_days"] != float64(365) {
		t.Errorf("purge audit %+v", a)
	}
}

func TestAdvanceAfterTheCloseNamesTheCommand(t *testing.T) {
	db := storetest.Open(t)
	st := openStation(t, db, 1)
	st.close(t)
	_, err := db.AdvanceElection(context.Background(), st.slug(), "skip ahead", testLinks, "cli", publishNow)
	wantKind(t, err, election.ErrWrongState, "publish with `civivote publish "+st.slug()+"`")
}
