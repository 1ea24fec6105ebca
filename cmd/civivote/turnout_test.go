package main

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/web"
)

// TestTurnoutInElectionShowAndAdminAPI casts two of three ballots and checks that the
// committee sees the turnout, overall and by local hour, in `election show` and the admin
// API, and nothing that says who voted.
func TestTurnoutInElectionShowAndAdminAPI(t *testing.T) {
	env := linkEnv(t)
	db, ann, bob, _ := nominees(t, env)
	mustRun(t, env, "candidates", "accept", "wise-ra-2023", itoa(ann), itoa(bob))
	mustRun(t, env, "election", "advance", "wise-ra-2023", "--reason", "nominations close")
	mustRun(t, env, "election", "advance", "wise-ra-2023", "--reason", "voting opens")

	ctx := context.Background()
	el, err := db.GetElection(ctx, "wise-ra-2023")
	if err != nil {
		t.Fatal(err)
	}
	paper, err := db.BallotPaper(ctx, &el.Election)
	if err != nil {
		t.Fatal(err)
	}
	ballot, err := paper.Encode(election.Choices{"treasurer": {ann}})
	if err != nil {
		t.Fatal(err)
	}
	// London is on GMT in February: 09:20 and 09:50 UTC are both in the 09:00 local hour.
	for i, at := range []time.Time{
		time.Date(2023, 2, 10, 9, 20, 0, 0, time.UTC), time.Date(2023, 2, 10, 9, 50, 0, 0, time.UTC)} {
		v := &election.Voter{Election: &el.Election, ContactID: int64(i + 1), InGoodStanding: true}
		if _, err := db.CastBallot(ctx, v, ballot, at); err != nil {
			t.Fatal(err)
		}
	}

	show := mustRun(t, env, "election", "show", "wise-ra-2023")
	for _, want := range []string{"3 members with a live link, 2 voted (66.7%)", "votes by hour (Europe/London):", "2023-02-10 09:00 GMT  2"} {
		if !strings.Contains(show, want) {
			t.Errorf("election show lacks %q:\n%s", want, show)
		}
	}

	observer := sha256.Sum256([]byte(electionsObserverToken))
	ts := httptest.NewServer(web.New(web.Options{Tokens: web.APITokens{Observer: &observer}, Turnouts: db}).Handler())
	t.Cleanup(ts.Close)
	code, body := call(t, ts, "GET", "/api/admin/elections/wise-ra-2023/turnout", electionsObserverToken, "")
	hours, _ := body["by_hour"].([]any)
	if code != http.StatusOK || body["eligible"] != float64(3) || body["voted"] != float64(2) || len(hours) != 1 {
		t.Fatalf("turnout: %d %v", code, body)
	}
	if h := hours[0].(map[string]any); h["start"] != "2023-02-10T09:00:00Z" || h["voted"] != float64(2) {
		t.Errorf("turnout by hour: %v", hours)
	}
	if strings.Contains(strings.ToLower(show), "contact") {
		t.Errorf("election show names contacts in its turnout:\n%s", show)
	}
	if code, body := call(t, ts, "GET", "/api/admin/elections/nope/turnout", electionsObserverToken, ""); code != http.StatusNotFound {
		t.Errorf("turnout of an unknown election: %d %v", code, body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
