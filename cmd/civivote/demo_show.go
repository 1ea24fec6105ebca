package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
)

// printWelcome prints where to look and what to try once voting is open. The five links
// are read from the fake CiviCRM's contact field, where the comms admin finds them.
func (d *demoRun) printWelcome(ctx context.Context, e env) error {
	w := e.stdout
	fmt.Fprintf(w, "\n══ Voting is open in the demo election ══\n\n")
	fmt.Fprintf(w, "Committee dashboard:  %s/admin\n", d.base)
	fmt.Fprintf(w, "Admin token:          %s\n", d.admin)
	fmt.Fprintf(w, "                      (sign in to the dashboard with it; it is also the admin API's bearer token)\n")
	fmt.Fprintf(w, "\nFive members' voting links, as CiviCRM holds them in the contact field %s:\n", d.cfg.CiviCRMLinkField)
	shown := 0
	// From the generated union (past the recorded site's 50 members), whose names show
	// the pages handle any alphabet.
	for _, id := range d.members[len(d.members)/3:] {
		if shown == 5 {
			break
		}
		c, ok := d.fake.Contact(id)
		if !ok || c.Email == "" {
			continue
		}
		link, ok := d.fake.CustomValue(id, d.cfg.CiviCRMLinkField)
		if !ok || link == "" {
			continue
		}
		fmt.Fprintf(w, "  %-32s %s\n", fmt.Sprintf("%s (contact %d)", c.DisplayName(), id), link)
		shown++
	}
	if shown < 5 {
		return fmt.Errorf("only %d members' links reached the fake CiviCRM; `civivote outbox failed` would say why", shown)
	}
	slug := demoSlug
	fmt.Fprintf(w, `
What to try:
  • Open a link in a browser (each is one member): read the candidates' statements, vote,
    keep the receipt code. Open the same link again: it says you have already voted.
  • Public candidates page:   %[1]s/elections/%[2]s/candidates
  • Turnout, as the committee sees it:
      curl -H "Authorization: Bearer %[3]s" %[1]s/api/admin/elections/%[2]s/turnout
  • Letters for the members a mailing cannot reach (no email, or a bounced one), as the law
    asks of some unions: a PDF with a page per member, their address, link and QR code:
      (set -a; . %[4]s; %[5]s letters %[2]s -o letters.pdf)
    The file named holds the demo's configuration for other civivote commands; it is removed
    when the demo stops.
  • Metrics: %[1]s/metrics    Health: %[1]s/readyz
`, d.base, slug, d.admin, d.envFile, commandName())
	return nil
}

// fastForward casts synthetic ballots through the real casting path, waits out the rest
// of --fast, and closes voting with an audited advance.
func (d *demoRun) fastForward(ctx context.Context) error {
	p, db := d.p, d.db
	started := time.Now()
	st, err := db.GetElection(ctx, demoSlug)
	if err != nil {
		return err
	}
	paper, err := db.BallotPaper(ctx, &st.Election)
	if err != nil {
		return err
	}
	p.step("--fast: %d%% of the members vote (synthetic ballots through the same cast as the ballot page)", d.o.turnout)
	rng := rand.New(rand.NewPCG(uint64(d.o.seed), 2023))
	var voters []int64
	for _, id := range d.members {
		if rng.IntN(100) < d.o.turnout {
			voters = append(voters, id)
		}
	}
	for i, id := range voters {
		v, err := db.VoterByToken(ctx, election.HashToken(election.DeriveToken(d.lc.Secret, demoSlug, id, 0)))
		if err != nil {
			return fmt.Errorf("the link of member %d: %w", id, err)
		}
		choices := demoChoices(rng, paper)
		tieChoice(choices, paper, i, len(voters))
		b, err := paper.Encode(choices)
		if err != nil {
			return fmt.Errorf("a synthetic ballot does not fit the paper: %w", err)
		}
		receipt, err := db.CastBallot(ctx, v, b, time.Now())
		if err != nil && !errors.Is(err, election.ErrAlreadyVoted) {
			return fmt.Errorf("cast for member %d: %w", id, err)
		}
		if d.receipt == "" {
			d.receipt = receipt // shown with the results, for the receipt check
		}
		if i%50 == 0 || i == len(voters)-1 {
			p.bar("ballots", i+1, len(voters))
		}
	}
	if len(voters) < 2 {
		p.done("%d ballots cast", len(voters))
	} else {
		p.done("%d ballots cast; the two candidates for Co-Secretary (2-year) got the same votes, so the count has a tie to draw", len(voters))
	}

	if rest := d.o.fast - time.Since(started); rest >= time.Second {
		p.step("Voting stays open for %s more (--fast %s); the links still work meanwhile", rest.Round(time.Second), d.o.fast)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(rest):
		}
		p.done("time is up")
	}
	p.step("Closing voting now (an audited `election advance`, as the committee would)")
	state, err := db.AdvanceElection(ctx, demoSlug, "civivote demo --fast: voting closed early", d.lc, "demo", time.Now())
	if err != nil {
		return err
	}
	p.done("the election is %s", state)
	return nil
}

// commandName is how to run civivote again in the printed examples: as it was started
// (bin/civivote under make demo), or plain civivote when started by go run or a test.
func commandName() string {
	name := os.Args[0]
	if strings.Contains(name, "go-build") || strings.HasSuffix(name, ".test") || !strings.Contains(name, "/") {
		return "civivote"
	}
	return name
}
