package main

import (
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store"
)

// results runs what the committee does once voting has closed, through the same store
// calls as civivote tally, publish and writeback: the count, a draw for each tie, the
// publication, and the write-back of the officers to CiviCRM, read back at the end.
func (d *demoRun) results(ctx context.Context, e env) error {
	p, db := d.p, d.db
	p.step("Counting the ballots (what `civivote tally %s` shows the committee)", demoSlug)
	c, err := db.Count(ctx, demoSlug)
	if err != nil {
		return fmt.Errorf("the count: %w", err)
	}
	for _, pr := range c.Result.Positions {
		if len(pr.Candidates) > 0 {
			p.say("%-44s %s", pr.Title, outcome(c, &pr))
		}
	}
	p.done("%d ballots of %d members on the roll counted", c.Result.BallotsCast, c.Result.Eligible)

	if open := c.Result.Unresolved(); len(open) > 0 {
		p.step("Ties decide seats: the committee draws lots; here the demo's lot draws, and each draw is recorded and audited")
		if c, err = d.drawLots(ctx, c); err != nil {
			return err
		}
		n := len(c.Resolutions)
		p.done("%d %s recorded (`civivote tally %s --resolve-tie` in a real election)", n, plural(n, "draw", "draws"), demoSlug)
	}

	key, err := d.cfg.SigningKey()
	if err != nil {
		return configErr(err)
	}
	demoKey := key == nil
	if demoKey {
		if _, key, err = ed25519.GenerateKey(crand.Reader); err != nil {
			return fmt.Errorf("a signing key for the demo: %w", err)
		}
	}
	p.step("Publishing the results (`civivote publish %s`): results.json signed, ballots.json for anyone to recount", demoSlug)
	pub, err := db.Publish(ctx, demoSlug, key, "demo", time.Now())
	if err != nil {
		return fmt.Errorf("publishing the demo's results: %w", err)
	}
	p.done("published, revision %d", pub.Revision)
	fmt.Fprintln(e.stdout)
	if err := writePublication(e.stdout, d.cfg.PublicURL, pub); err != nil {
		return err
	}
	if demoKey {
		fmt.Fprintln(e.stdout, "  signing key:    a demo key made for this run and not kept; a real election sets CIVIVOTE_RESULTS_SIGNING_KEY")
	}

	p.step("Writing the elected officers back to CiviCRM (`civivote writeback %s`)", demoSlug)
	wb := newWritebacks(d.cfg, db, d.crm)
	rep, err := wb.Queue(ctx, demoSlug, "demo", time.Now())
	if err != nil {
		return fmt.Errorf("the demo's write-back: %w", err)
	}
	p.done("%d relationships queued in the outbox, one per elected officer", rep.Queued)
	if err := d.deliver(ctx, "the officers' relationships"); err != nil {
		return err
	}
	if err := d.waitWriteback(ctx); err != nil {
		return err
	}
	p.step("Reading the officers back from CiviCRM (`civivote writeback %s --verify`)", demoSlug)
	fmt.Fprintln(e.stdout)
	if err := wb.verify(ctx, e.stdout, demoSlug); err != nil {
		return err
	}
	p.done("the election is written back")
	d.printResultsWelcome(e)
	return nil
}

// outcome is one position's count in a line: who is elected, or what stops it.
func outcome(c *store.Count, pr *election.PositionResult) string {
	var parts []string
	for _, id := range pr.Elected {
		parts = append(parts, c.Name(id)+" elected")
	}
	if pr.RONElected {
		parts = append(parts, "Re-open nominations wins: the seat stays empty")
	}
	if pr.Tie != nil {
		names := make([]string, len(pr.Tie.Candidates))
		for i, id := range pr.Tie.Candidates {
			names[i] = c.Name(id)
		}
		parts = append(parts, fmt.Sprintf("TIE between %s on %d votes for %d %s", strings.Join(names, " and "),
			pr.Tie.Votes, pr.Tie.Seats, plural(pr.Tie.Seats, "seat", "seats")))
	}
	if len(parts) == 0 {
		return "nobody elected"
	}
	return strings.Join(parts, "; ")
}

// drawLots settles every open tie by the demo's lot (seeded by --seed, so a run can be
// repeated), one store.ResolveTie per seat, each with a reason saying how it was drawn.
func (d *demoRun) drawLots(ctx context.Context, c *store.Count) (*store.Count, error) {
	rng := rand.New(rand.NewPCG(uint64(d.o.seed), 7))
	reason := fmt.Sprintf("drawn by the demo's lot (civivote demo --seed %d); a real committee draws, e.g. names "+
		"from a hat before the candidates, and records how", d.o.seed)
	for open := c.Result.Unresolved(); len(open) > 0; open = c.Result.Unresolved() {
		pr := open[0]
		key, title, votes := pr.Key, pr.Title, pr.Tie.Votes
		tied := make([]string, len(pr.Tie.Candidates))
		for i, id := range pr.Tie.Candidates {
			tied[i] = c.Name(id)
		}
		winner := pr.Tie.Candidates[rng.IntN(len(pr.Tie.Candidates))]
		next, err := d.db.ResolveTie(ctx, demoSlug, key, winner, reason, "demo", time.Now())
		if err != nil {
			return nil, fmt.Errorf("recording the demo's draw for %s: %w", title, err)
		}
		d.p.say("%s: %s tied on %d votes; the lot drew %s", title, strings.Join(tied, ", "), votes, next.Name(winner))
		c = next
	}
	return c, nil
}

// waitWriteback waits until every write-back item of the demo election has reached the
// fake CiviCRM: the demo's drain and the serve's outbox job share the work, so an item
// the job claimed may still be on its way when the demo's own drain returns.
func (d *demoRun) waitWriteback(ctx context.Context) error {
	deadline := time.Now().Add(time.Minute)
	for {
		items, err := d.db.WritebackItems(ctx, demoSlug)
		if err != nil {
			return err
		}
		pending := 0
		for _, it := range items {
			switch it.State {
			case outbox.StateFailed:
				return fmt.Errorf("a write-back to the fake CiviCRM failed (%s): `civivote outbox failed` says more", it.LastError)
			case outbox.StatePending:
				pending++
			}
		}
		if pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d write-back items are still pending after a minute: `civivote writeback %s` shows them", pending, demoSlug)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// printResultsWelcome says where the results are and what to try with them.
func (d *demoRun) printResultsWelcome(e env) {
	base := d.base + "/elections/" + demoSlug
	receiptHint := ""
	if d.receipt != "" {
		receiptHint = " (one synthetic voter's receipt is " + d.receipt + ")"
	}
	fmt.Fprintf(e.stdout, `
══ The results are published and the officers are in CiviCRM ══

What to try:
  • The results page, with a chart per position and how to recount:  %[1]s/results
  • Recount it yourself: download ballots.json and compare its SHA-256 with the one above:
      curl -s %[1]s/ballots.json | sha256sum
  • Check a receipt: %[1]s/receipt%[2]s
  • The committee's dashboard (%[3]s/admin, admin token above): the count, the draws, the write-back
  • The audit log of everything the demo did:
      curl -H "Authorization: Bearer %[4]s" %[3]s/api/admin/elections/%[5]s/audit
`, base, receiptHint, d.base, d.admin, demoSlug)
}
