package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store"
	"github.com/prometheus/client_golang/prometheus"
)

const writebackUsage = `writeback SLUG [--verify]

Records the elected officers of a published election in CiviCRM: one relationship
(CIVIVOTE_CIVICRM_OFFICER_RELATIONSHIP) from each officer to the organisation
(CIVIVOTE_CIVICRM_ORG_CONTACT_ID), from tenure_starts to the end of the position's term,
with the position title as description. The writes go through the outbox, which the
running civivote serve delivers; running it again queues nothing twice, and a tenure an
officer held before keeps its own record. With CIVIVOTE_WRITEBACK_END_PREVIOUS=true it
also ends the current relationships of previous holders who were not re-elected.

  --verify  read the officers back from CiviCRM and report each one: present with the
            right dates, missing, or with wrong dates (exit status 1 if any is wrong)`

// officerReader reads officer relationships back from CiviCRM; an interface so the
// write-back can be tested against the fake CiviCRM or a canned answer.
type officerReader interface {
	CurrentRelationships(ctx context.Context, typeName string, orgID int64) ([]civicrm.Relationship, error)
	RelationshipsOf(ctx context.Context, typeName string, orgID int64, contactIDs []int64) ([]civicrm.Relationship, error)
}

// writebacks queues and checks write-backs for the CLI, the admin API, the dashboard and
// afterPublish: the one place that reads CiviCRM for the store.
type writebacks struct {
	db          *store.DB
	crm         officerReader
	org         int64
	relType     string
	endPrevious bool
	auto        bool
}

func newWritebacks(cfg *config.Config, db *store.DB, crm officerReader) writebacks {
	return writebacks{db: db, crm: crm, org: cfg.CiviCRMOrgID, relType: cfg.CiviCRMOfficer,
		endPrevious: cfg.WritebackEndPrev, auto: cfg.WritebackAuto}
}

// Queue queues the write-back of election slug (store.QueueWriteback). With END_PREVIOUS
// it first reads the organisation's current officers from CiviCRM; CiviCRM being
// unreachable then stops the write-back, which can simply be run again.
func (w writebacks) Queue(ctx context.Context, slug, actor string, now time.Time) (store.WritebackReport, error) {
	wc := store.WritebackConfig{OrgContactID: w.org, RelationshipType: w.relType, EndPrevious: w.endPrevious}
	if w.endPrevious && w.org > 0 && w.relType != "" {
		cur, err := w.crm.CurrentRelationships(ctx, w.relType, w.org)
		if err != nil {
			return store.WritebackReport{Election: slug}, fmt.Errorf("reading the current officers from CiviCRM "+
				"(CIVIVOTE_WRITEBACK_END_PREVIOUS is on; nothing was queued, run the write-back again when CiviCRM answers): %w", err)
		}
		for _, r := range cur {
			wc.Current = append(wc.Current, store.HeldOffice{RelationshipID: r.ID, ContactID: r.ContactIDA,
				Start: dateOf(r.StartDate), End: dateOf(r.EndDate), Description: r.Description})
		}
	}
	return w.db.QueueWriteback(ctx, slug, wc, actor, now)
}

// afterPublish queues the write-back of an election whose results were just published,
// when CIVIVOTE_WRITEBACK_AUTO is on; queued says whether it did. Every caller of
// store.Publish (civivote publish, the admin API, the dashboard) calls it after a
// successful publish, and reports its error as a failed write-back of published results,
// to be run again with `civivote writeback SLUG`.
func (w writebacks) afterPublish(ctx context.Context, slug, actor string, now time.Time) (rep store.WritebackReport, queued bool, err error) {
	if !w.auto {
		return store.WritebackReport{Election: slug}, false, nil
	}
	rep, err = w.Queue(ctx, slug, actor, now)
	if err != nil {
		return rep, false, fmt.Errorf("the results are published, but the automatic write-back failed; "+
			"run `civivote writeback %s` once the cause is fixed: %w", slug, err)
	}
	return rep, true, nil
}

// publishWriteback is afterPublish for `civivote publish`, which needs only the database
// unless CIVIVOTE_WRITEBACK_AUTO is on: then it loads the whole configuration (CiviCRM too,
// for CIVIVOTE_WRITEBACK_END_PREVIOUS), queues the write-back and prints what it queued.
func publishWriteback(ctx context.Context, e env, db *store.DB, slug string) error {
	if auto, _ := strconv.ParseBool(e.getenv(config.Prefix + "WRITEBACK_AUTO")); !auto {
		return nil
	}
	cfg, log, err := loadConfig(e, config.Load)
	if err != nil {
		return fmt.Errorf("the results are published, but the automatic write-back needs the whole configuration; "+
			"fix it, then run `civivote writeback %s`: %w", slug, err)
	}
	defer log.Sync()
	crm, err := newCiviCRM(cfg, log, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	w := newWritebacks(cfg, db, crm)
	rep, queued, err := w.afterPublish(ctx, slug, "cli", time.Now())
	if err != nil || !queued {
		return err
	}
	fmt.Fprintln(e.stdout)
	writeWritebackReport(e.stdout, w, rep)
	return nil
}

func dateOf(t time.Time) election.Date {
	if t.IsZero() {
		return election.Date{}
	}
	return election.DateOf(t.UTC())
}

func runWriteback(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("writeback", flag.ContinueOnError)
	verify := fs.Bool("verify", false, "read the officers back from CiviCRM and report any that are missing or wrong")
	slug, err := slugArg(fs, e, args, writebackUsage)
	if err != nil {
		return helpOK(err)
	}
	cfg, log, err := loadConfig(e, config.Load)
	if err != nil {
		return err
	}
	defer log.Sync()
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	crm, err := newCiviCRM(cfg, log, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	w := newWritebacks(cfg, db, crm)
	if *verify {
		return w.verify(ctx, e.stdout, slug)
	}
	rep, err := w.Queue(ctx, slug, "cli", time.Now())
	if err != nil {
		return fmt.Errorf("civivote writeback: %w", err)
	}
	writeWritebackReport(e.stdout, w, rep)
	items, err := db.WritebackItems(ctx, slug)
	if err != nil {
		return fmt.Errorf("civivote writeback: %w", err)
	}
	return writeWritebackItems(e.stdout, items)
}

// writeWritebackReport prints what a write-back queued, officer by officer.
func writeWritebackReport(out io.Writer, w writebacks, rep store.WritebackReport) {
	fmt.Fprintf(out, "Write-back of %s (results revision %d) to CiviCRM contact %d as %q:\n",
		rep.Election, rep.Revision, w.org, w.relType)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  POSITION\tOFFICER\tCONTACT\tFROM\tTO")
	for _, o := range rep.Officers {
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\n", o.Position, o.Name, o.ContactID, o.Start, o.End)
	}
	_ = tw.Flush()
	if len(rep.Officers) == 0 {
		fmt.Fprintln(out, "  no officers: every seat stayed empty (re-open nominations)")
	}
	for _, h := range rep.Ended {
		state := "stays active until then"
		if h.Inactive {
			state = "and made inactive"
		}
		fmt.Fprintf(out, "  ends %s's previous tenure: contact %d, relationship %d, ends %s (%s)\n",
			h.Description, h.ContactID, h.RelationshipID, h.NewEnd, state)
	}
	switch {
	case rep.Queued == 0:
		fmt.Fprintf(out, "Nothing new queued: all %d writes were queued by an earlier write-back.\n", rep.AlreadyQueued)
	case rep.AlreadyQueued > 0:
		fmt.Fprintf(out, "Queued %d new writes; %d were queued before and are not queued twice.\n", rep.Queued, rep.AlreadyQueued)
	default:
		fmt.Fprintf(out, "Queued %d writes.\n", rep.Queued)
	}
	if rep.Advanced {
		fmt.Fprintf(out, "Election %s is now written back.\n", rep.Election)
	}
}

// writeWritebackItems prints the outbox state of an election's write-back items.
func writeWritebackItems(out io.Writer, items []store.WritebackItem) error {
	var c outbox.Counts
	for _, it := range items {
		c = c.Add(countOf(it.State))
	}
	fmt.Fprintf(out, "\nCiviCRM outbox (write-back): %d pending, %d failed, %d delivered, %d superseded\n",
		c.Pending, c.Failed, c.Delivered, c.Superseded)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tSTATE\tCONTACT\tPOSITION\tFROM\tTO\tLAST ERROR")
	for _, it := range items {
		r := it.Relationship
		from := "-"
		if !r.Start.IsZero() {
			from = r.Start.Format(time.DateOnly)
		}
		to := r.End.Format(time.DateOnly)
		if r.ID != 0 {
			to += fmt.Sprintf(" (ends relationship %d)", r.ID)
		}
		fmt.Fprintf(tw, "  %d\t%s\t%d\t%s\t%s\t%s\t%s\n", it.ID, it.State, r.ContactA, r.Description, from, to, it.LastError)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	switch {
	case c.Failed > 0:
		fmt.Fprintln(out, "Some writes failed: `civivote outbox failed` says why; fix the cause in CiviCRM, then `civivote outbox retry`.")
	case c.Pending > 0:
		fmt.Fprintln(out, "The running civivote serve delivers the pending writes at its next outbox drain; then check with --verify.")
	case len(items) > 0:
		fmt.Fprintln(out, "Everything has reached CiviCRM: `civivote writeback SLUG --verify` reads it back.")
	}
	return nil
}

func countOf(s outbox.State) outbox.Counts {
	switch s {
	case outbox.StatePending:
		return outbox.Counts{Pending: 1}
	case outbox.StateFailed:
		return outbox.Counts{Failed: 1}
	case outbox.StateDone:
		return outbox.Counts{Delivered: 1}
	}
	return outbox.Counts{Superseded: 1}
}
