package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
)

const tokensUsage = `tokens issue SLUG | reissue SLUG CONTACT

  issue    give every member in good standing a personal link for the election
           (members who lapsed lose theirs, members who came back get theirs back);
           running it again issues nothing new
  reissue  give one member a new link: the old one stops working at once

Links reach CiviCRM through the outbox: the serving daemon writes each one to the
contact's link field (CIVIVOTE_CIVICRM_LINK_FIELD) and adds the member to the
election's group, retrying until CiviCRM confirms.`

// linkConfig is what the store needs to derive and queue personal links.
func linkConfig(cfg *config.Config) store.LinkConfig {
	return store.LinkConfig{Secret: []byte(cfg.TokenSecret), Field: cfg.CiviCRMLinkField}
}

// openLinkDB opens the migrated database for commands that issue links: they need the
// token secret and the link field as well as the database.
func openLinkDB(ctx context.Context, e env) (*store.DB, store.LinkConfig, func(), error) {
	cfg, log, err := loadConfig(e, config.Load)
	if err != nil {
		return nil, store.LinkConfig{}, nil, err
	}
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return nil, store.LinkConfig{}, nil, err
	}
	return db, linkConfig(cfg), func() { db.Close(); _ = log.Sync() }, nil
}

func runTokens(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "tokens", tokensUsage, []subcommand{
		{"issue", runTokensIssue},
		{"reissue", runTokensReissue},
	}, args)
}

func runTokensIssue(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("tokens issue", flag.ContinueOnError)
	slug, err := slugArg(fs, e, args, "tokens issue SLUG")
	if err != nil {
		return helpOK(err)
	}
	db, lc, done, err := openLinkDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	rep, err := db.IssueLinks(ctx, slug, lc, "cli", time.Now())
	if err != nil {
		return fmt.Errorf("civivote tokens issue: %w", err)
	}
	writeIssueReport(e.stdout, rep)
	return nil
}

// writeIssueReport prints what issuing did, in the words of the membership admin.
func writeIssueReport(w io.Writer, rep store.IssueReport) {
	fmt.Fprintf(w, "election %s: %d links issued, %d restored (members in good standing again), %d revoked (members who lapsed)\n",
		rep.Election, rep.Issued, rep.Restored, rep.Revoked)
	if rep.Held > 0 {
		fmt.Fprintf(w, "%d members in good standing get no link: they became eligible after the roll closed\n", rep.Held)
	}
	if rep.RollClosed {
		fmt.Fprintln(w, "the roll has closed: its rule and size are now in the audit log")
	}
	if rep.Changed() {
		fmt.Fprintln(w, "The links and group changes reach CiviCRM through the outbox: the running civivote serve writes them in batches "+
			"(see the outbox backlog on the admin API). Send the announcement from CiviMail once the backlog is empty.")
	} else {
		fmt.Fprintln(w, "Nothing to do: every member in good standing already has a link.")
	}
}

func runTokensReissue(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("tokens reissue", flag.ContinueOnError)
	const usage = "tokens reissue SLUG CONTACT"
	if len(args) < 2 || args[0] == "--help" || args[0] == "-h" || args[1] == "--help" || args[1] == "-h" {
		if err := parseFlags(fs, e, helpArgs(args), usage, false); err != nil {
			return helpOK(err)
		}
		return usageErr("civivote %s: give the election's slug and the member's CiviCRM contact id", usage)
	}
	slug := args[0]
	contact, err := strconv.ParseInt(args[1], 10, 64)
	if err != nil || contact <= 0 {
		return usageErr("civivote tokens reissue: %q is not a CiviCRM contact id (a whole number)", args[1])
	}
	if err := parseFlags(fs, e, args[2:], usage, false); err != nil {
		return helpOK(err)
	}
	db, lc, done, err := openLinkDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	if err := db.ReissueLink(ctx, slug, contact, lc, "cli", time.Now()); err != nil {
		return fmt.Errorf("civivote tokens reissue: %w", err)
	}
	fmt.Fprintf(e.stdout, "contact %d has a new link in election %s; the old link no longer works.\n"+
		"The new link reaches the contact's CiviCRM field through the outbox; send it to the member once it is there.\n", contact, slug)
	return nil
}

// helpArgs keeps only a --help among args, so a short command line shows the usage when
// asked and is otherwise a usage mistake.
func helpArgs(args []string) []string {
	for _, a := range args {
		if a == "--help" || a == "-h" {
			return []string{a}
		}
	}
	return nil
}

// linkStore gives the admin API the store's link issuing in web's terms.
type linkStore struct {
	db *store.DB
	lc store.LinkConfig
}

func (s linkStore) IssueLinks(ctx context.Context, slug, actor string, now time.Time) (web.LinkReport, error) {
	rep, err := s.db.IssueLinks(ctx, slug, s.lc, actor, now)
	return web.LinkReport{Issued: rep.Issued, Restored: rep.Restored, Revoked: rep.Revoked, Held: rep.Held, RollClosed: rep.RollClosed}, err
}

func (s linkStore) ReissueLink(ctx context.Context, slug string, contactID int64, actor string, now time.Time) error {
	return s.db.ReissueLink(ctx, slug, contactID, s.lc, actor, now)
}
