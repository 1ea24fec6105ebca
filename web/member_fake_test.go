package web

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// memStore is an in-memory stand-in for the store's voter and candidate methods, applying
// the domain's nomination rules as the store does. The integration tests in
// member_store_test.go run the same pages against the real store.
type memStore struct {
	mu     sync.Mutex
	e      *election.Election
	voters map[[32]byte]*election.Voter
	cands  []election.Candidate
	writes int // successful changes, to prove a GET or a refused POST stores nothing
}

func (m *memStore) VoterByToken(_ context.Context, hash [32]byte) (*election.Voter, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.voters[hash]
	if !ok {
		return nil, election.Errorf(election.ErrNotFound, "no such link")
	}
	c := *v
	return &c, nil
}

func (m *memStore) MemberCandidacies(_ context.Context, electionID, contactID int64) ([]election.Candidate, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []election.Candidate
	for _, c := range m.cands {
		if c.ContactID == contactID && electionID == m.e.ID {
			out = append(out, c)
		}
	}
	return out, nil
}

func (m *memStore) Nominate(ctx context.Context, v *election.Voter, n election.Nomination, now time.Time) (election.Candidate, error) {
	if err := v.CheckInGoodStanding(); err != nil {
		return election.Candidate{}, err
	}
	own, _ := m.MemberCandidacies(ctx, v.Election.ID, v.ContactID)
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := m.e.Definition.Nominate(m.e.State, now, v.ContactID, own, n)
	if err != nil {
		return election.Candidate{}, err
	}
	c.Name = v.Name
	m.writes++
	for i := range m.cands {
		if m.cands[i].ID == c.ID && c.ID != 0 {
			m.cands[i] = c
			return c, nil
		}
	}
	c.ID = int64(len(m.cands) + 1)
	m.cands = append(m.cands, c)
	return c, nil
}

func (m *memStore) Withdraw(_ context.Context, v *election.Voter, positionKey string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.cands {
		c := &m.cands[i]
		if c.ContactID == v.ContactID && c.PositionKey == positionKey && c.Active() {
			if err := m.e.Definition.Withdraw(m.e.State, now, c); err != nil {
				return err
			}
			m.writes++
			return nil
		}
	}
	return election.Errorf(election.ErrNotFound, "You have no nomination for that position.")
}

func (m *memStore) PublicCandidates(_ context.Context, slug string) (*election.Election, []election.Candidate, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if slug != m.e.Definition.Slug {
		return nil, nil, election.Errorf(election.ErrNotFound, "There is no election %q.", slug)
	}
	var out []election.Candidate
	for _, c := range m.cands {
		if c.Status == election.Accepted {
			out = append(out, c)
		}
	}
	return m.e, out, nil
}

// accept plays the committee accepting every pending nomination.
func (m *memStore) accept() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.cands {
		if m.cands[i].Status == election.Pending {
			m.cands[i].Status = election.Accepted
		}
	}
}

var testSecret = []byte("test secret of at least thirty-two bytes, for links")

// inNominations is a moment inside the fixture's nominations window.
var inNominations = time.Date(2023, 1, 10, 12, 0, 0, 0, time.UTC)

// fixtureDefinition parses testdata/wise-ra-2023.yaml, a copy of the reference fixture.
func fixtureDefinition(tb testing.TB) *election.Definition {
	tb.Helper()
	f, err := os.Open("testdata/wise-ra-2023.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	d, err := election.Parse(f, "wise-ra-2023.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// pagesEnv is a server for the member pages over a memStore, with a settable clock.
type pagesEnv struct {
	ts    *httptest.Server
	store *memStore
	logs  *observer.ObservedLogs
	now   time.Time
}

// newPagesEnv starts the pages with one election in nominations and one member, contact
// 101 ("Ada Worker"), whose token it returns.
func newPagesEnv(t *testing.T, publicURL string) (*pagesEnv, string) {
	t.Helper()
	d := fixtureDefinition(t)
	e := &election.Election{ID: 7, State: election.NominationsOpen, Definition: d}
	st := &memStore{e: e, voters: map[[32]byte]*election.Voter{}}
	token := st.addVoter(101, "Ada Worker", true)
	env := &pagesEnv{store: st, now: inNominations}
	core, logs := observer.New(zap.DebugLevel)
	env.logs = logs
	s := New(Options{Logger: zap.New(core), Registry: prometheus.NewRegistry(),
		Voters: st, Nominations: st, PublicCandidates: st, TokenSecret: testSecret,
		PublicURL: publicURL, Contact: "the election committee at elections@example.org",
		Now: func() time.Time { return env.now }})
	env.ts = httptest.NewServer(s.Handler())
	t.Cleanup(env.ts.Close)
	return env, token
}

// addVoter puts a member on the roll with a generation-1 link and returns the token.
func (m *memStore) addVoter(contact int64, name string, good bool) string {
	token := election.DeriveToken(testSecret, m.e.Definition.Slug, contact, 1)
	m.voters[election.HashToken(token)] = &election.Voter{Election: m.e, ContactID: contact, Name: name,
		Generation: 1, InGoodStanding: good}
	return token
}

// browserless client: keeps cookies, does not follow redirects, so tests see each step.
func newClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}
