package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
)

const purgeUsage = `purge SLUG [--retention DAYS] --yes`

const purgeHelp = `Deletes, for good, what links members to a published election once its records have
been kept long enough (CIVIVOTE_RETENTION_DAYS after the results were last published,
365 by default, as US law keeps union election records for one year): the roll's token
hashes, so no personal link opens anything, each member's voted mark and time, and the
records of ruled challenges. The anonymous ballots, the published results, ballots.json,
the receipt check and the audit log are kept, and so is the turnout (numbers only).
It cannot be undone, so it needs --yes. It is recorded in the audit log.`

func runPurge(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	days := fs.Int("retention", 0, "days to keep the records after publication (default: CIVIVOTE_RETENTION_DAYS)")
	yes := fs.Bool("yes", false, "confirm the purge, which cannot be undone")
	slug, err := slugCommand(fs, e, args, purgeUsage, purgeHelp)
	if err != nil {
		return helpOK(err)
	}
	if *days < 0 {
		return usageErr("civivote purge: --retention must be a positive number of days, not %d", *days)
	}
	cfg, log, err := loadConfig(e, config.LoadDatabaseWith(config.Prefix+"RETENTION_DAYS"))
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	if *days == 0 {
		*days = cfg.RetentionDays
	}
	if !*yes {
		return usageErr("civivote purge: this deletes the token hashes and voted marks of %s for good, keeping the anonymous ballots "+
			"and the results; nothing was deleted. Run it again with --yes to purge", slug)
	}
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.Purge(ctx, slug, time.Duration(*days)*24*time.Hour, "cli", time.Now())
	if err != nil {
		return fmt.Errorf("civivote purge: nothing was deleted: %w", err)
	}
	fmt.Fprintf(e.stdout, "purged: %s (results published %s, kept %d days)\n", slug, election.FormatUTC(rep.PublishedAt), *days)
	fmt.Fprintf(e.stdout, "  deleted: %d roll entries (token hashes, voted marks), %d ruled challenges\n", rep.Voters, rep.Challenges)
	fmt.Fprintf(e.stdout, "  kept:    %d anonymous ballots, the published results and ballots.json, the audit log\n", rep.Ballots)
	fmt.Fprintf(e.stdout, "  turnout: %d of %d voted (kept in the publication)\n", rep.Turnout.Voted, rep.Turnout.Eligible)
	return nil
}
