package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
	"github.com/civivote/civivote/web"
	"github.com/prometheus/client_golang/prometheus"
)

var _ web.Ballots = (*store.DB)(nil)

// inVoting is inside the fixture's voting window (1–28 February 2023, London on UTC).
var inVoting = time.Date(2023, 2, 10, 12, 0, 0, 0, time.UTC)

// votingEnv is the WISE-RA fixture over a real database, in voting_open: Treasurer has two
// candidates who both agreed to a co-officership (two seats), Membership Officer two of
// whom one did not (one seat), the 2-year Co-Secretary one; the other positions have
// none. Voters are Ada Worker (101), Bo Member (102), Cy Lapsed (103, lapsed after getting
// a link) and the candidates (201–205).
type votingEnv struct {
	*storeEnv
	clock    atomic.Pointer[time.Time]
	election *store.StoredElection
	paper    *election.BallotPaper
	cand     map[string]int64 // candidate ids by name
}

var votingCandidates = []struct {
	contact  int64
	name     string
	position string
	co       bool
}{
	{201, "Ann Treasurer", "treasurer", true},
	{202, "Ben Treasurer", "treasurer", true},
	{203, "Cat Membership", "membership-officer", true},
	{204, "Dan Membership", "membership-officer", false},
	{205, "Eve Secretary", "co-secretary-2y", false},
}

func newVotingEnv(t *testing.T) *votingEnv {
	t.Helper()
	env := &votingEnv{storeEnv: &storeEnv{t: t, ctx: context.Background(), db: storetest.OpenDSN(t, storetest.NewDatabase(t))},
		cand: map[string]int64{}}
	src, err := os.ReadFile("testdata/wise-ra-2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	def, err := election.Parse(bytes.NewReader(src), "wise-ra-2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	applied := time.Date(2022, 12, 1, 9, 0, 0, 0, time.UTC)
	if _, err := env.db.ApplyElection(env.ctx, def, src, "test", applied); err != nil {
		t.Fatal(err)
	}
	members := map[int64]string{101: "Ada Worker", 102: "Bo Member", 103: "Cy Lapsed"}
	for _, c := range votingCandidates {
		members[c.contact] = c.name
	}
	for contact, name := range members {
		env.exec(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at)
			VALUES (?, ?, TRUE, ?, ?)`, contact, name, applied, applied)
	}
	if _, err := env.db.AdvanceDue(env.ctx, links, inNominations); err != nil {
		t.Fatal(err)
	}
	for _, c := range votingCandidates {
		v, err := env.db.VoterByToken(env.ctx, election.HashToken(token(c.contact, 0)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := env.db.Nominate(env.ctx, v, election.Nomination{PositionKey: c.position,
			Statement: "I am " + c.name + ".\n\nI will <b>organise</b> & report.", CoOfficership: c.co}, inNominations)
		if err != nil {
			t.Fatal(err)
		}
		if err := env.db.AcceptCandidate(env.ctx, slug, got.ID, "test", inNominations); err != nil {
			t.Fatal(err)
		}
		env.cand[c.name] = got.ID
	}
	if _, err := env.db.AdvanceDue(env.ctx, links, inVoting); err != nil { // closes nominations, opens voting
		t.Fatal(err)
	}
	env.exec(`UPDATE members SET in_good_standing = FALSE WHERE contact_id = 103`)
	if env.election, err = env.db.GetElection(env.ctx, slug); err != nil {
		t.Fatal(err)
	}
	if env.election.State != election.VotingOpen {
		t.Fatalf("election is %s, want voting_open", env.election.State)
	}
	if env.paper, err = env.db.BallotPaper(env.ctx, &env.election.Election); err != nil {
		t.Fatal(err)
	}
	env.setClock(inVoting)
	s := web.New(web.Options{Registry: prometheus.NewRegistry(), Voters: env.db, Nominations: env.db,
		PublicCandidates: env.db, Ballots: env.db, TokenSecret: links.Secret, PublicURL: "http://127.0.0.1",
		Contact: "the election committee at elections@example.org", Now: func() time.Time { return *env.clock.Load() }})
	env.ts = httptest.NewServer(s.Handler())
	t.Cleanup(env.ts.Close)
	return env
}

func (env *votingEnv) setClock(t time.Time) { env.clock.Store(&t) }

// id returns a candidate's id as the form sends it.
func (env *votingEnv) id(name string) string {
	env.t.Helper()
	id, ok := env.cand[name]
	if !ok {
		env.t.Fatalf("no candidate %s", name)
	}
	return formID(id)
}

func formID(id int64) string { return strconv.FormatInt(id, 10) }

// state is what voting leaves behind: ballots, voters marked, and every other write.
func (env *votingEnv) state() [3]int {
	return [3]int{env.count(`SELECT COUNT(*) FROM ballots`), env.count(`SELECT COUNT(*) FROM voters WHERE voted`),
		env.changes()}
}

// ballot returns a form with csrf and the given fields.
func ballot(csrf string, fields ...string) url.Values {
	f := url.Values{"csrf": {csrf}}
	for i := 0; i+1 < len(fields); i += 2 {
		f.Add(fields[i], fields[i+1])
	}
	return f
}

var receiptRe = regexp.MustCompile(`<code>([2-9A-Z]{5}-[2-9A-Z]{5}-[2-9A-Z]{5})</code>`)

// storedBallots reads every stored ballot back as the count does.
func (env *votingEnv) storedBallots() []election.Choices {
	env.t.Helper()
	var out []election.Choices
	for b, err := range env.db.Ballots(env.ctx, env.election.ID, env.paper) {
		if err != nil {
			env.t.Fatal(err)
		}
		out = append(out, env.paper.Decode(b))
	}
	return out
}

func (env *votingEnv) receipts() []string {
	env.t.Helper()
	codes, err := env.db.ReceiptCodes(env.ctx, env.election.ID)
	if err != nil {
		env.t.Fatal(err)
	}
	slices.Sort(codes)
	return codes
}

func wantStatus(t *testing.T, what string, resp *http.Response, want int, body string) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s: %d, want %d\n%s", what, resp.StatusCode, want, body)
	}
}
