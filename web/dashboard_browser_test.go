package web_test

import (
	"context"
	"crypto/sha256"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/internal/browsertest"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
	"github.com/prometheus/client_golang/prometheus"
)

// dashCounts is the store's count for the dashboard, as cmd/civivote adapts it.
type dashCounts struct{ db *store.DB }

func (c dashCounts) DashboardCount(ctx context.Context, slug string) (*web.DashboardCount, error) {
	n, err := c.db.Count(ctx, slug)
	if err != nil {
		return nil, err
	}
	return &web.DashboardCount{Result: n.Result, Names: n.Names, Void: len(n.Void), OpenChallenges: n.Challenges.Open, CouldChange: n.CouldChange}, nil
}

func (c dashCounts) ResolveTie(ctx context.Context, slug, key string, winner int64, reason, actor string, now time.Time) error {
	_, err := c.db.ResolveTie(ctx, slug, key, winner, reason, actor, now)
	return err
}

func (c dashCounts) Publish(ctx context.Context, slug, actor string, now time.Time) (int, error) {
	pub, err := c.db.Publish(ctx, slug, nil, actor, now)
	if err != nil {
		return 0, err
	}
	return pub.Revision, nil
}

// TestBrowserDashboard signs in, accepts a candidate, and after a tied vote resolves the
// tie and publishes, checking every page with axe at three widths.
func TestBrowserDashboard(t *testing.T) {
	b := browsertest.New(t)
	shots := browsertest.ScreenshotDir(t)
	env := newDashEnv(t)
	admin, observer := sha256.Sum256([]byte(adminToken)), sha256.Sum256([]byte(observerToken))
	s := web.New(web.Options{Registry: prometheus.NewRegistry(), Tokens: web.APITokens{Admin: &admin, Observer: &observer},
		Elections: electionsOf{env.db}, Candidates: env.db, Turnouts: env.db, TokenSecret: links.Secret, PublicURL: "http://127.0.0.1",
		Now: func() time.Time { return *env.clock.Load() },
		Dashboard: web.DashboardOptions{Sessions: env.db, Data: dashData{env.db}, Counts: dashCounts{env.db},
			SessionTTL: 60 * 24 * time.Hour, // the test's clock jumps from nominations to the count
			Settings:   []web.ConfigSetting{{Name: "CIVIVOTE_PUBLIC_URL", Value: "http://127.0.0.1"}, {Name: "CIVIVOTE_TOKEN_SECRET", Value: "(set, hidden)"}}}})
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)

	b.Do(chromedp.Navigate(ts.URL + "/admin/elections/" + slug))
	b.WaitFor(`location.pathname === "/admin/sign-in"`)
	b.CheckPage(shots, "sign-in", pageWidths...)
	b.Do(chromedp.SendKeys(chromedp.ID("token"), "wrong-token-of-twenty-chars"), chromedp.Click(chromedp.CSS(`form button[type=submit]`)))
	b.WaitFor(`document.activeElement && document.activeElement.id === "error-summary"`)
	b.CheckPage(shots, "sign-in-error", pageWidths...)
	b.Do(chromedp.SendKeys(chromedp.ID("token"), adminToken), chromedp.Click(chromedp.CSS(`form[action="/admin/sign-in"] button[type=submit]`)))
	b.WaitFor(`location.pathname === "/admin/elections/` + slug + `"`)
	b.CheckPage(shots, "election-nominations", pageWidths...)

	// Accept Ada; Bo is accepted too, by the store, so the vote can tie.
	b.Do(chromedp.Click(chromedp.CSS(`form[action$="/candidates/` + formID(env.ada) + `/accept"] button`)))
	b.WaitFor(`document.body.textContent.includes("The candidate was accepted.")`)
	if env.status(env.ada) != election.Accepted {
		t.Fatalf("Ada is %s after accepting in the browser", env.status(env.ada))
	}
	b.CheckPage(shots, "accepted", pageWidths...)

	b.Do(chromedp.Navigate(ts.URL + "/admin"))
	b.WaitFor(`document.querySelector("h1").textContent === "Overview"`)
	b.CheckPage(shots, "overview", pageWidths...)
	for _, path := range []string{"/admin/sync", "/admin/members?q=101", "/admin/config"} {
		b.Do(chromedp.Navigate(ts.URL + path))
		b.WaitFor(`document.querySelector(".admin-nav [aria-current=page]") !== null`)
		b.CheckPage(shots, path[len("/admin/"):], pageWidths...)
	}

	// Ada and Bo stand for Treasurer, one seat (Bo did not agree to a co-officership);
	// each votes for themselves: a tie.
	if err := env.db.AcceptCandidate(env.ctx, slug, env.bo, "test", inNominations); err != nil {
		t.Fatal(err)
	}
	env.exec(`UPDATE candidates SET position_key = 'treasurer' WHERE id = ?`, env.bo)
	if _, err := env.db.AdvanceDue(env.ctx, links, inVoting); err != nil {
		t.Fatal(err)
	}
	se, err := env.db.GetElection(env.ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	paper, err := env.db.BallotPaper(env.ctx, &se.Election)
	if err != nil {
		t.Fatal(err)
	}
	for contact, cand := range map[int64]int64{101: env.ada, 102: env.bo} {
		v, err := env.db.VoterByToken(env.ctx, election.HashToken(token(contact, 0)))
		if err != nil {
			t.Fatal(err)
		}
		ballot, err := paper.Encode(election.Choices{"treasurer": {cand}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.db.CastBallot(env.ctx, v, ballot, inVoting); err != nil {
			t.Fatal(err)
		}
	}
	closed := inVoting.AddDate(0, 1, 0)
	if _, err := env.db.AdvanceDue(env.ctx, links, closed); err != nil {
		t.Fatal(err)
	}
	env.setClock(closed)

	b.Do(chromedp.Navigate(ts.URL + "/admin/elections/" + slug))
	b.WaitFor(`document.querySelector(".tie-form") !== null`)
	b.CheckPage(shots, "election-tie", pageWidths...)
	b.Do(chromedp.Click(chromedp.CSS(`.tie-form button[type=submit]`)))
	b.WaitFor(`document.activeElement && document.activeElement.id === "error-summary"`)
	b.CheckPage(shots, "tie-error", pageWidths...)
	b.Do(chromedp.Click(chromedp.CSS(`.tie-form input[value="`+formID(env.bo)+`"]`)),
		chromedp.SendKeys(chromedp.ID("reason-treasurer"), "Names in a hat, drawn by the returning officer"),
		chromedp.Click(chromedp.CSS(`.tie-form button[type=submit]`)))
	b.WaitFor(`document.body.textContent.includes("Record the draw for Treasurer?")`)
	b.CheckPage(shots, "tie-confirm", pageWidths...)
	b.Do(chromedp.Click(chromedp.CSS(`form[action$="/ties"] button[type=submit]`)))
	b.WaitFor(`document.body.textContent.includes("The decision by lot was recorded")`)
	n, err := env.db.Count(env.ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	if pr := n.Result.Position("treasurer"); pr.Tie != nil || len(pr.Elected) != 1 || pr.Elected[0] != env.bo {
		t.Fatalf("after the draw Treasurer is %+v", pr)
	}

	b.Do(chromedp.Click(chromedp.CSS(`a[href$="/publish"]`)))
	b.WaitFor(`document.body.textContent.includes("Publish the results?")`)
	b.CheckPage(shots, "publish-confirm", pageWidths...)
	b.Do(chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type=submit]`)))
	b.WaitFor(`document.body.textContent.includes("The results were published.")`)
	b.CheckPage(shots, "published", pageWidths...)
	if se, err := env.db.GetElection(env.ctx, slug); err != nil || se.State != election.ResultsPublished {
		t.Fatalf("after publishing the election is %v (%v)", se.State, err)
	}
	if n := env.count(`SELECT COUNT(*) FROM audit_log WHERE actor = 'dashboard:admin'`); n < 3 {
		t.Errorf("%d audit entries by dashboard:admin for accept, draw and publish", n)
	}
}
