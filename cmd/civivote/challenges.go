package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
)

const challengesUsage = `challenges list SLUG | accept SLUG ID --reason TEXT | reject SLUG ID --reason TEXT | link SLUG CONTACT

  list    every challenged ballot with its id, the member's contact id and name, why
          the roll left them off, their reason and the ruling (never the choices)
  accept  the ballot joins the count (with the receipt code the member was shown) and
          nothing links the member to it any more; the member counts as having voted
  reject  the ballot is destroyed unread
  link    print a challenge link for a member off the roll (joined after roll_closes,
          lapsed and without their link, or unknown to the roster) to send them:
          PUBLIC_URL/c/SLUG/TOKEN opens only their challenged ballot

Challenged ballots exist where the election's definition sets challenged_ballots: true.
A member who lapsed reaches theirs through their own personal link. Rulings need a
reason, go to the audit log and are final. A ruling after publication changes the
count: publish again (civivote publish SLUG) so the published results include it.`

func runChallenges(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "challenges", challengesUsage, []subcommand{
		{"list", runChallengesList},
		{"accept", func(ctx context.Context, e env, args []string) error { return runChallengesRule(ctx, e, args, true) }},
		{"reject", func(ctx context.Context, e env, args []string) error { return runChallengesRule(ctx, e, args, false) }},
		{"link", runChallengesLink},
	}, args)
}

func runChallengesList(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("challenges list", flag.ContinueOnError)
	slug, err := slugArg(fs, e, args, "challenges list SLUG")
	if err != nil {
		return helpOK(err)
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	list, err := db.Challenges(ctx, slug)
	if err != nil {
		return fmt.Errorf("civivote challenges list: %w", err)
	}
	return writeChallenges(e.stdout, slug, list)
}

// writeChallenges prints the committee's table of challenged ballots.
func writeChallenges(w io.Writer, slug string, list []election.Challenge) error {
	if len(list) == 0 {
		fmt.Fprintf(w, "No challenged ballots in %s.\n", slug)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCONTACT\tNAME\tOFF THE ROLL\tSTATUS\tCAST (UTC)\tREASON")
	for _, c := range list {
		name := oneLine(c.Name)
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.ContactID, name, c.OffRoll, c.Status,
			c.CreatedAt.UTC().Format("2006-01-02 15:04"), oneLine(c.Reason))
	}
	return tw.Flush()
}

func runChallengesRule(ctx context.Context, e env, args []string, accept bool) error {
	verb := map[bool]string{true: "accept", false: "reject"}[accept]
	fs := flag.NewFlagSet("challenges "+verb, flag.ContinueOnError)
	reason := fs.String("reason", "", "why, for the audit log (required)")
	slug, rest, err := slugAndArgs(fs, e, args, "challenges "+verb+" SLUG ID --reason TEXT")
	if err != nil {
		return helpOK(err)
	}
	if len(rest) != 1 {
		return usageErr("civivote challenges %s: give one challenged ballot id (civivote challenges list %s shows them)", verb, slug)
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || id <= 0 {
		return usageErr("civivote challenges %s: %q is not a challenged ballot id: use the ID column of civivote challenges list %s", verb, rest[0], slug)
	}
	if strings.TrimSpace(*reason) == "" {
		return usageErr("civivote challenges %s: --reason is required: every ruling is kept in the audit log with its reason", verb)
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	if err := db.RuleChallenge(ctx, slug, id, accept, *reason, "cli", time.Now()); err != nil {
		return fmt.Errorf("civivote challenges %s: %w", verb, err)
	}
	if accept {
		fmt.Fprintf(e.stdout, "accepted: challenged ballot %d joins the count\n", id)
	} else {
		fmt.Fprintf(e.stdout, "rejected: challenged ballot %d is destroyed\n", id)
	}
	return nil
}

func runChallengesLink(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("challenges link", flag.ContinueOnError)
	slug, rest, err := slugAndArgs(fs, e, args, "challenges link SLUG CONTACT")
	if err != nil {
		return helpOK(err)
	}
	if len(rest) != 1 {
		return usageErr("civivote challenges link: give the election's slug and the member's CiviCRM contact id")
	}
	contact, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || contact <= 0 {
		return usageErr("civivote challenges link: %q is not a CiviCRM contact id (a whole number)", rest[0])
	}
	cfg, log, err := loadConfig(e, config.Load)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.IssueChallengeLink(ctx, slug, contact, "cli", time.Now())
	if err != nil {
		return fmt.Errorf("civivote challenges link: %w", err)
	}
	link := strings.TrimRight(cfg.PublicURL, "/") + "/c/" + slug + "/" + election.ChallengeToken([]byte(cfg.TokenSecret), slug, contact)
	fmt.Fprintf(e.stdout, "Challenge link of contact %d in %s (%s):\n%s\n"+
		"Send it to the member only: it lets whoever holds it cast this member's one challenged ballot.\n",
		contact, slug, st.OffRoll.Describe(), link)
	return nil
}
