package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/roster"
	"github.com/civivote/civivote/scheduler"
	"github.com/civivote/civivote/store"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// syncLease names the lease every roster sync takes, whatever triggered it, so a cron tick
// on one replica, a CLI run and an admin request never sync at once.
const syncLease = "roster-sync"

// syncLeaseTTL is how long a dead syncer blocks others; the holder renews every third of it.
const syncLeaseTTL = 2 * time.Minute

func newSyncer(cfg *config.Config, db *store.DB, crm *civicrm.Client, log *zap.Logger, reg prometheus.Registerer) *roster.Syncer {
	return roster.New(roster.Options{
		Source:          civicrm.NewRosterSource(crm, civicrm.MemberQuery{Types: cfg.CiviCRMTypes, PageSize: cfg.CiviCRMPageSize}),
		Store:           db,
		MaxLapsePercent: float64(cfg.SyncMaxLapsePercent),
		Logger:          log.Named("roster"),
		Registry:        reg,
	})
}

// rosterService runs syncs under the cluster-wide lease; the admin API and the CLI use it.
// After each applied sync the open elections' rolls follow the roster (links with lc).
type rosterService struct {
	*roster.Syncer
	db     *store.DB
	holder string
	lc     store.LinkConfig
	log    *zap.Logger
	// leaseTTL is how long the sync lease outlives a syncer that died (serve: twice
	// CIVIVOTE_LEASE_TTL); zero means syncLeaseTTL.
	leaseTTL time.Duration
}

// Sync runs one sync under the lease. Another process syncing is a conflict the caller can
// retry, not a failure.
func (s rosterService) Sync(ctx context.Context, req roster.Request) (*roster.Report, error) {
	var rep *roster.Report
	ttl := s.leaseTTL
	if ttl <= 0 {
		ttl = syncLeaseTTL
	}
	err := scheduler.Exclusive(ctx, s.db, nil, syncLease, s.holder, time.Time{}, ttl, func(ctx context.Context) error {
		var err error
		rep, err = s.Syncer.Sync(ctx, req)
		return err
	})
	if errors.Is(err, scheduler.ErrBusy) || errors.Is(err, roster.ErrBusy) {
		return nil, election.Errorf(election.ErrConflict, "another civivote process is syncing the roster right now; try again when it has finished")
	}
	if err == nil && !req.DryRun {
		err = reconcileAfterSync(ctx, s.db, s.lc, s.log)
	}
	return rep, err
}

// openAll loads the configuration and opens the database (migrated) and the CiviCRM client,
// for commands that need both.
func openAll(ctx context.Context, e env) (*config.Config, *zap.Logger, *store.DB, *civicrm.Client, error) {
	cfg, log, err := loadConfig(e, config.Load)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	crm, err := newCiviCRM(cfg, log, prometheus.NewRegistry())
	if err != nil {
		db.Close()
		return nil, nil, nil, nil, err
	}
	return cfg, log, db, crm, nil
}

func runSync(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	force := fs.Bool("force", false, "apply a run that a guard stopped (a mass lapse, a count mismatch); never a run that failed to read")
	dry := fs.Bool("dry-run", false, "print what the run would add, update, lapse and reactivate, and change nothing")
	if err := parseFlags(fs, e, args, "sync [--force] [--dry-run]", true); err != nil {
		return helpOK(err)
	}
	cfg, log, db, crm, err := openAll(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	defer log.Sync()
	svc := rosterService{Syncer: newSyncer(cfg, db, crm, log, prometheus.NewRegistry()), db: db, holder: scheduler.NewHolderID(),
		lc: linkConfig(cfg), log: log}
	rep, err := svc.Sync(ctx, roster.Request{Trigger: "cli", Actor: "cli", Force: *force, DryRun: *dry})
	if rep != nil {
		if werr := rep.WriteText(e.stdout); werr != nil {
			return werr
		}
	}
	var guard *roster.GuardError
	if errors.As(err, &guard) {
		return fmt.Errorf("the sync stopped without changing anything: %s\nIf this is real (for example a mass expiry you expected), run `civivote sync --force`", guard.Detail)
	}
	return err
}

func runRoster(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "override") {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(e.stdout, "Usage: civivote roster show CONTACT\n       civivote roster override CONTACT (--eligible|--ineligible) --reason TEXT --until YYYY-MM-DD")
			return nil
		}
		return usageErr("civivote roster: say `show CONTACT` or `override CONTACT …` (see civivote roster --help)")
	}
	sub := args[0]
	fs := flag.NewFlagSet("roster "+sub, flag.ContinueOnError)
	eligible := fs.Bool("eligible", false, "the contact may vote, whatever the sync says")
	ineligible := fs.Bool("ineligible", false, "the contact may not vote, whatever the sync says")
	reason := fs.String("reason", "", "why, for the audit log (required)")
	until := fs.String("until", "", "last day the override holds, YYYY-MM-DD (required)")
	usage := "roster show CONTACT"
	if sub == "override" {
		usage = "roster override CONTACT (--eligible|--ineligible) --reason TEXT --until YYYY-MM-DD"
	}
	// The contact id comes first, flags after it.
	if len(args) < 2 || args[1] == "--help" || args[1] == "-h" {
		if err := parseFlags(fs, e, args[1:], usage, false); err != nil {
			return helpOK(err)
		}
		return usageErr("civivote %s: give the CiviCRM contact id", usage)
	}
	contact, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil || contact <= 0 {
		return usageErr("civivote roster %s: %q is not a CiviCRM contact id (a whole number)", sub, args[1])
	}
	if err := parseFlags(fs, e, args[2:], usage, false); err != nil {
		return helpOK(err)
	}
	var o roster.Override
	if sub == "override" {
		if *eligible == *ineligible {
			return usageErr("civivote roster override: give exactly one of --eligible or --ineligible")
		}
		if *reason == "" {
			return usageErr("civivote roster override: --reason is required: the audit log records why")
		}
		day, err := time.Parse(time.DateOnly, *until)
		if err != nil {
			return usageErr("civivote roster override: --until must be a date like 2026-12-31, got %q", *until)
		}
		// The override holds through the whole of its last day (UTC).
		o = roster.Override{ContactID: contact, Eligible: *eligible, Reason: *reason, Until: day.Add(24*time.Hour - time.Nanosecond), Actor: "cli"}
	}
	cfg, log, db, crm, err := openAll(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	defer log.Sync()
	syncer := newSyncer(cfg, db, crm, log, prometheus.NewRegistry())
	if sub == "override" {
		if err := syncer.Override(ctx, o); err != nil {
			return err
		}
	}
	st, err := syncer.Lookup(ctx, contact)
	if err != nil {
		return err
	}
	return writeStanding(e.stdout, st)
}

// writeStanding prints the answer to "why can't I vote?" for one contact.
func writeStanding(w io.Writer, st roster.Standing) error {
	verdict := "may NOT vote"
	if st.Eligible {
		verdict = "may vote"
	}
	fmt.Fprintf(w, "Contact %d %s: %s\n", st.ContactID, verdict, st.Why)
	if st.Known {
		m := st.Member
		fmt.Fprintf(w, "  name:        %s\n", m.DisplayName)
		email := m.Email
		if email == "" {
			email = "(none: needs a letter or another way to get the link)"
		}
		fmt.Fprintf(w, "  email:       %s\n", email)
		fmt.Fprintf(w, "  membership:  %s, %s (%d membership(s))\n", m.Type, m.Status, m.Memberships)
		fmt.Fprintf(w, "  first seen:  %s\n", m.FirstSeenAt.UTC().Format(time.RFC3339))
		if !st.LastSeen.IsZero() {
			fmt.Fprintf(w, "  last seen:   %s\n", st.LastSeen.UTC().Format(time.RFC3339))
		}
		if !m.LapsedAt.IsZero() {
			fmt.Fprintf(w, "  lapsed:      %s (%s)\n", m.LapsedAt.UTC().Format(time.RFC3339), m.LapseReason)
		}
	}
	if o := st.Override; o != nil {
		kind := "ineligible"
		if o.Eligible {
			kind = "eligible"
		}
		fmt.Fprintf(w, "  override:    %s until %s, by %s: %s\n", kind, o.Until.UTC().Format(time.DateOnly), o.Actor, o.Reason)
	}
	if len(st.History) > 0 {
		fmt.Fprintln(w, "  history:")
		for _, ev := range st.History {
			fmt.Fprintf(w, "    %s  %-20s %-8s %s\n", ev.At.UTC().Format(time.DateTime), ev.Action, ev.Actor, ev.Reason)
		}
	}
	return nil
}
