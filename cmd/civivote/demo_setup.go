package main

import (
	"context"
	"fmt"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/roster"
	"github.com/civivote/civivote/scheduler"
	"github.com/civivote/civivote/store"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// setUp runs the steps from an empty database to voting open with links in CiviCRM.
func (d *demoRun) setUp(ctx context.Context, log *zap.Logger) error {
	p, db, cfg := d.p, d.db, d.cfg
	crm, err := newCiviCRM(cfg, log, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	d.crm = crm
	p.step("Syncing the roster of members in good standing from CiviCRM (as the 15-minute job does)")
	rs := rosterService{Syncer: newSyncer(cfg, db, crm, log, prometheus.NewRegistry()), db: db,
		holder: scheduler.NewHolderID(), lc: d.lc, log: log}
	rep, err := rs.Sync(ctx, roster.Request{Trigger: "cli", Actor: "demo"})
	if err != nil {
		return fmt.Errorf("roster sync: %w", err)
	}
	p.done("%d memberships read, %d members in good standing (%d of them have no email and need a letter)",
		rep.Fetched, rep.Added+rep.Reactivated, rep.WithoutEmail)

	now := time.Now()
	def, src, err := demoElection(now)
	if err != nil {
		return err
	}
	p.step("Applying the WISE-RA 2023 election (17 positions) with its dates moved: voting opened an hour ago")
	if _, err := db.ApplyElection(ctx, def, src, "demo", now); err != nil {
		return err
	}
	p.done("nominations %s; voting %s", election.FormatWindow(def.Nominations, def.Location), election.FormatWindow(def.Voting, def.Location))

	inNominations := def.Nominations.Opens.Add(time.Hour)
	p.step("Opening nominations (as the lifecycle job did then): a personal link for every member in good standing")
	if _, err := db.AdvanceDue(ctx, d.lc, inNominations); err != nil {
		return err
	}
	var members []int64
	if err := db.Roll(ctx, func(r roster.RollEntry) error {
		if r.InGoodStanding {
			members = append(members, r.ContactID)
		}
		return nil
	}); err != nil {
		return err
	}
	d.members = members
	p.done("%d links issued and queued for CiviCRM", len(members))

	p.step("Members nominate themselves through their links; the committee accepts them")
	n, err := nominateDemoCandidates(ctx, db, d.lc, members[len(members)/10:], inNominations)
	if err != nil {
		return err
	}
	p.done("%d candidates for 7 positions, with statements", n)

	p.step("Closing nominations (seats fixed: co-officerships become two seats) and opening voting")
	if _, err := db.AdvanceDue(ctx, d.lc, now); err != nil {
		return err
	}
	st, err := db.GetElection(ctx, demoSlug)
	if err != nil {
		return err
	}
	if st.State != election.VotingOpen {
		return fmt.Errorf("the demo election is %s after the lifecycle ran, not voting_open", st.State)
	}
	p.done("voting is open until %s", def.Voting.Closes.In(def.Location).Format("Mon 2 Jan 2006 15:04 MST"))

	p.step("Writing the links and groups to CiviCRM through the outbox")
	return d.deliver(ctx, "links, election group, not-yet-voted group")
}

// deliver drains the outbox into the fake CiviCRM now, as the serve's outbox job would
// at its next run, showing the backlog going down; what names the writes.
func (d *demoRun) deliver(ctx context.Context, what string) error {
	w, err := newOutboxWorker(d.cfg, d.db, d.crm, "demo", nil, nil)
	if err != nil {
		return err
	}
	return deliverWithProgress(ctx, d.p, d.db, what, func(ctx context.Context) error { _, err := w.Drain(ctx); return err })
}

// deliverWithProgress drains the outbox while a bar shows the backlog going down.
func deliverWithProgress(ctx context.Context, p *progress, db *store.DB, what string, drain func(context.Context) error) error {
	st, err := db.Outbox().Stats(ctx, time.Now())
	if err != nil {
		return err
	}
	total := st.Pending
	done := make(chan error, 1)
	go func() { done <- drain(ctx) }()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("delivering to CiviCRM: %w", err)
			}
			st, err := db.Outbox().Stats(ctx, time.Now())
			if err != nil {
				return err
			}
			p.bar("writes", total-st.Pending, total)
			if st.Failed > 0 {
				p.say("%d writes failed: `civivote outbox failed` says why", st.Failed)
			}
			p.done("%d writes delivered (%s)", total-st.Pending, what)
			return nil
		case <-tick.C:
			if st, err := db.Outbox().Stats(ctx, time.Now()); err == nil {
				p.bar("writes", total-st.Pending, total)
			}
		}
	}
}
