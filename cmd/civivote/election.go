package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/civivote/civivote/config"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/web"
)

const electionUsage = `election apply -f FILE | list | show SLUG | advance SLUG --reason TEXT

  apply    create or change an election from its YAML definition (changes are
           possible only while it is a draft, before nominations open)
  list     every election with its state and voting window
  show     one election: state, windows in its time zone and UTC, positions
  advance  move an election to its next state now, ahead of its schedule, with a
           reason for the audit log`

func runElection(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "election", electionUsage, []subcommand{
		{"apply", runElectionApply},
		{"list", runElectionList},
		{"show", runElectionShow},
		{"advance", runElectionAdvance},
	}, args)
}

// openElectionDB opens the migrated database; the election commands need nothing else.
func openElectionDB(ctx context.Context, e env) (*store.DB, func(), error) {
	cfg, log, err := loadConfig(e, config.LoadDatabase)
	if err != nil {
		return nil, nil, err
	}
	db, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	return db, func() { db.Close(); _ = log.Sync() }, nil
}

// slugArg takes the election slug that comes before the flags.
func slugArg(fs *flag.FlagSet, e env, args []string, usage string) (string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := parseFlags(fs, e, args, usage, false); err != nil {
			return "", err
		}
		return "", usageErr("civivote %s: give the election's slug (civivote election list shows them)", usage)
	}
	if err := parseFlags(fs, e, args[1:], usage, false); err != nil {
		return "", err
	}
	return args[0], nil
}

func runElectionApply(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("election apply", flag.ContinueOnError)
	file := fs.String("f", "", "the election's YAML definition file (required)")
	if err := parseFlags(fs, e, args, "election apply -f FILE", true); err != nil {
		return helpOK(err)
	}
	if *file == "" {
		return usageErr("civivote election apply: give the definition file with -f FILE")
	}
	src, err := os.ReadFile(*file)
	if err != nil {
		return fmt.Errorf("civivote election apply: cannot read the definition: %w", err)
	}
	def, err := election.Parse(bytes.NewReader(src), *file)
	if err != nil {
		return fmt.Errorf("civivote election apply: %s was not applied; nothing changed. Fix these problems and apply it again:\n%w", *file, err)
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	change, err := db.ApplyElection(ctx, def, src, "cli", time.Now())
	if errors.Is(err, election.ErrWrongState) {
		return fmt.Errorf("civivote election apply: %s was not applied; nothing changed: %w. "+
			"If the election must move on as it is, `civivote election advance %s --reason TEXT` does that", *file, err, def.Slug)
	}
	if err != nil {
		return fmt.Errorf("civivote election apply: %w", err)
	}
	switch change {
	case election.Create:
		fmt.Fprintf(e.stdout, "created: election %s (draft)\n", def.Slug)
	case election.Update:
		fmt.Fprintf(e.stdout, "updated: election %s\n", def.Slug)
	default:
		fmt.Fprintf(e.stdout, "unchanged — nothing to do: election %s already has this definition\n", def.Slug)
	}
	return nil
}

func runElectionList(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("election list", flag.ContinueOnError)
	if err := parseFlags(fs, e, args, "election list", true); err != nil {
		return helpOK(err)
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	list, err := db.ListElections(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "No elections yet: `civivote election apply -f FILE` creates one.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tSTATE\tTITLE\tVOTING")
	for _, el := range list {
		d := el.Definition
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Slug, el.State, d.Title, election.FormatWindow(d.Voting, d.Location))
	}
	return tw.Flush()
}

func runElectionShow(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("election show", flag.ContinueOnError)
	slug, err := slugArg(fs, e, args, "election show SLUG")
	if err != nil {
		return helpOK(err)
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	el, err := db.GetElection(ctx, slug)
	if err != nil {
		return err
	}
	if err := writeElection(e.stdout, el); err != nil {
		return err
	}
	sum, err := db.CandidateSummary(ctx, el.ID)
	if err != nil {
		return err
	}
	writeCandidateSummary(e.stdout, el.Definition, sum)
	turnout, err := db.Turnout(ctx, slug)
	if err != nil {
		return err
	}
	writeTurnout(e.stdout, el.Definition, turnout)
	return writeElectionOutbox(ctx, e.stdout, db, slug)
}

// writeElection prints what the committee checks before and during an election: every
// time in the election's zone, as members see it, and in UTC, as the server keeps it.
func writeElection(w io.Writer, el *store.StoredElection) error {
	d := el.Definition
	both := func(t time.Time) string {
		return fmt.Sprintf("%s  (%s)", election.FormatTime(t, d.Location), election.FormatUTC(t))
	}
	fmt.Fprintf(w, "%s — %s\n", d.Slug, d.Title)
	fmt.Fprintf(w, "  state:               %s\n", el.State)
	fmt.Fprintf(w, "  time zone:           %s\n", d.Timezone)
	fmt.Fprintf(w, "  nominations open:    %s\n", both(d.Nominations.Opens))
	fmt.Fprintf(w, "  nominations close:   %s\n", both(d.Nominations.Closes))
	fmt.Fprintf(w, "  voting opens:        %s\n", both(d.Voting.Opens))
	fmt.Fprintf(w, "  voting closes:       %s\n", both(d.Voting.Closes))
	roll := "never (members who become eligible later still get a link)"
	if !d.RollCloses.IsZero() {
		roll = both(d.RollCloses)
	}
	fmt.Fprintf(w, "  roll closes:         %s\n", roll)
	fmt.Fprintf(w, "  tenure starts:       %s\n", election.FormatDate(d.TenureStarts))
	fmt.Fprintf(w, "  definition:          sha256 %s, applied %s\n", el.Hash, election.FormatUTC(el.UpdatedAt))
	fmt.Fprintf(w, "\nPositions (%d):\n", len(d.Positions))
	for _, p := range d.Positions {
		co := "no"
		if p.CoOfficership {
			co = "yes (two seats if every accepted candidate consents)"
		}
		fmt.Fprintf(w, "  %s — %s\n", p.Key, p.Title)
		fmt.Fprintf(w, "    seats: %d, tenure: %d months (to %s), co-officership: %s\n",
			p.Seats, p.TenureMonths, election.FormatDate(p.TenureEnd(d.TenureStarts)), co)
		for _, decl := range p.Declarations {
			fmt.Fprintf(w, "    declaration: %s\n", decl)
		}
	}
	return nil
}

func runElectionAdvance(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("election advance", flag.ContinueOnError)
	reason := fs.String("reason", "", "why the election moves on ahead of its schedule, for the audit log (required)")
	slug, err := slugArg(fs, e, args, "election advance SLUG --reason TEXT")
	if err != nil {
		return helpOK(err)
	}
	if strings.TrimSpace(*reason) == "" {
		return usageErr("civivote election advance: --reason is required: the audit log records why the committee moved the election on")
	}
	db, lc, done, err := openLinkDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	next, err := db.AdvanceElection(ctx, slug, *reason, lc, "cli", time.Now())
	if err != nil {
		return fmt.Errorf("civivote election advance: %w", err)
	}
	fmt.Fprintf(e.stdout, "election %s is now %s\n", slug, next)
	return nil
}

// electionStore gives the admin API the store's elections in web's terms; lc issues the
// links when an advance opens nominations or voting.
type electionStore struct {
	db *store.DB
	lc store.LinkConfig
}

func (s electionStore) ApplyElection(ctx context.Context, def *election.Definition, source []byte, actor string, now time.Time) (election.Change, error) {
	return s.db.ApplyElection(ctx, def, source, actor, now)
}

func (s electionStore) ListElections(ctx context.Context) ([]web.StoredElection, error) {
	list, err := s.db.ListElections(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]web.StoredElection, len(list))
	for i, el := range list {
		out[i] = webElection(el)
	}
	return out, nil
}

func (s electionStore) GetElection(ctx context.Context, slug string) (web.StoredElection, error) {
	el, err := s.db.GetElection(ctx, slug)
	if err != nil {
		return web.StoredElection{}, err
	}
	return webElection(el), nil
}

func (s electionStore) AdvanceElection(ctx context.Context, slug, reason, actor string, now time.Time) (election.State, error) {
	return s.db.AdvanceElection(ctx, slug, reason, s.lc, actor, now)
}

func webElection(el *store.StoredElection) web.StoredElection {
	return web.StoredElection{Election: &el.Election, Hash: el.Hash, UpdatedAt: el.UpdatedAt}
}
