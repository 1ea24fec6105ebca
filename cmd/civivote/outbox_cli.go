package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
)

// The outbox commands: what an admin needs to see and retry failed CiviCRM writes without
// the admin API.

const outboxUsage = `outbox status | failed [--limit N] | retry --all | retry ID…

  status   the backlog of writes to CiviCRM (voting links, group changes, officers):
           how many wait, how many are due now, how many failed, and the oldest's age
  failed   the writes CiviCRM refused for good, oldest first, each with CiviCRM's
           reason and what to do; fix the cause in CiviCRM, then retry them
  retry    queue failed writes again: --all for every one, or the ids that
           'outbox failed' shows; the running civivote serve delivers them at its
           next drain (CIVIVOTE_OUTBOX_SCHEDULE)

These commands need only the database (CIVIVOTE_MYSQL_DSN).`

func runOutbox(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "outbox", outboxUsage, []subcommand{
		{"status", runOutboxStatus},
		{"failed", runOutboxFailed},
		{"retry", runOutboxRetry},
	}, args)
}

func runOutboxStatus(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("outbox status", flag.ContinueOnError)
	if err := parseFlags(fs, e, args, "outbox status", false); err != nil {
		return helpOK(err)
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	now := time.Now()
	s, err := db.Outbox().Stats(ctx, now)
	if err != nil {
		return fmt.Errorf("civivote outbox status: %w", err)
	}
	if s.Pending == 0 && s.Failed == 0 {
		fmt.Fprintln(e.stdout, "outbox: empty — every write has reached CiviCRM")
		return nil
	}
	fmt.Fprintf(e.stdout, "outbox: %d pending (%d due now), %d failed\n", s.Pending, s.Due, s.Failed)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tPENDING\tDUE\tFAILED\tOLDEST PENDING")
	for _, k := range []outbox.Kind{outbox.KindLink, outbox.KindGroupAdd, outbox.KindGroupRemove, outbox.KindRelationship} {
		ks := s.ByKind[k]
		oldest := "-"
		if !ks.OldestPending.IsZero() {
			oldest = fmt.Sprintf("%s (%s ago)", election.FormatUTC(ks.OldestPending), now.Sub(ks.OldestPending).Round(time.Second))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", k, ks.Pending, ks.Due, ks.Failed, oldest)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if s.Failed > 0 {
		fmt.Fprintln(e.stdout, "`civivote outbox failed` shows why CiviCRM refused the failed writes.")
	}
	return nil
}

func runOutboxFailed(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("outbox failed", flag.ContinueOnError)
	limit := fs.Int("limit", 100, "show at most this many failed writes")
	if err := parseFlags(fs, e, args, "outbox failed [--limit N]", false); err != nil {
		return helpOK(err)
	}
	if *limit < 1 {
		return usageErr("civivote outbox failed: --limit must be at least 1")
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	items, err := db.Outbox().Failed(ctx, *limit)
	if err != nil {
		return fmt.Errorf("civivote outbox failed: %w", err)
	}
	if len(items) == 0 {
		fmt.Fprintln(e.stdout, "No failed writes: CiviCRM has taken everything it was sent.")
		return nil
	}
	for _, it := range items {
		fmt.Fprintf(e.stdout, "%d  %s  %s  (queued %s, %d attempts)\n    %s\n", it.ID, it.Kind, it.Key,
			election.FormatUTC(it.CreatedAt), it.Attempts, it.LastError)
	}
	fmt.Fprintln(e.stdout, "Fix the cause in CiviCRM, then `civivote outbox retry ID…` (or --all) queues them again.")
	return nil
}

func runOutboxRetry(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("outbox retry", flag.ContinueOnError)
	all := fs.Bool("all", false, "retry every failed write")
	const usage = "outbox retry --all | retry ID…"
	var ids []int64
	var flags []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
			continue
		}
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return usageErr("civivote outbox retry: %q is not an item id (a whole number from `civivote outbox failed`)", a)
		}
		ids = append(ids, id)
	}
	if err := parseFlags(fs, e, flags, usage, false); err != nil {
		return helpOK(err)
	}
	if *all == (len(ids) > 0) {
		return usageErr("civivote outbox retry: give either --all or the ids of the failed writes to retry")
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	n, err := outboxAdmin{q: db.Outbox(), now: time.Now}.RetryOutbox(ctx, ids)
	if err != nil {
		return fmt.Errorf("civivote outbox retry: %w", err)
	}
	fmt.Fprintf(e.stdout, "%d failed writes queued again; the running civivote serve delivers them at its next drain.\n", n)
	if ids != nil && n < len(ids) {
		fmt.Fprintf(e.stdout, "%d of the ids given were not failed writes (already retried or delivered, or unknown).\n", len(ids)-n)
	}
	return nil
}
