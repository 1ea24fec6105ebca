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

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
)

const tallyUsage = `tally SLUG [--resolve-tie POSITION --winner CANDIDATE_ID|RON --reason TEXT]`

const tallyHelp = `Counts the election's ballots once voting has closed and prints, per position, each
candidate's votes, Re-open nominations, abstentions, who is elected, and any tie that
decides a seat. Before the close it refuses: no running result is ever shown.

A tie is never broken by civivote. The committee draws lots and records each draw:
  civivote tally SLUG --resolve-tie POSITION --winner CANDIDATE_ID --reason "how and by whom"
(one call per tied seat; --winner RON when Re-open nominations wins the draw). The
decision is published with the results and kept in the audit log.`

func runTally(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("tally", flag.ContinueOnError)
	position := fs.String("resolve-tie", "", "record the committee's draw for this position's tie (its key, as the table shows)")
	winner := fs.String("winner", "", "with --resolve-tie: the id of the candidate who won the draw, or RON")
	reason := fs.String("reason", "", "with --resolve-tie: how and by whom the lot was drawn (required; published)")
	slug, err := slugCommand(fs, e, args, tallyUsage, tallyHelp)
	if err != nil {
		return helpOK(err)
	}
	resolving := *position != "" || *winner != "" || *reason != ""
	var winnerID int64
	if resolving {
		if *position == "" || *winner == "" || strings.TrimSpace(*reason) == "" {
			return usageErr("civivote tally: recording a draw needs all three of --resolve-tie POSITION, --winner CANDIDATE_ID|RON and --reason TEXT")
		}
		if winnerID, err = parseWinner(*winner); err != nil {
			return err
		}
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	var c *store.Count
	if resolving {
		if c, err = db.ResolveTie(ctx, slug, *position, winnerID, *reason, "cli", time.Now()); err != nil {
			return fmt.Errorf("civivote tally: the draw was not recorded: %w", err)
		}
		fmt.Fprintf(e.stdout, "recorded: %s wins the draw for %s\n\n", oneLine(c.Name(winnerID)), *position)
	} else if c, err = db.Count(ctx, slug); err != nil {
		return fmt.Errorf("civivote tally: %w", err)
	}
	return writeTally(e.stdout, c)
}

// slugCommand parses a command of the form NAME SLUG [flags]; --help prints usage, the
// flags and then help, a paragraph or two on what the command does.
func slugCommand(fs *flag.FlagSet, e env, args []string, usage, help string) (string, error) {
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
		err := parseFlags(fs, e, []string{"--help"}, usage, false)
		fmt.Fprintf(e.stdout, "\n%s\n", help)
		return "", err
	}
	return slugArg(fs, e, args, usage)
}

// parseWinner reads --winner: a candidate id or RON.
func parseWinner(s string) (int64, error) {
	if strings.EqualFold(s, election.RONFormValue) {
		return election.RON, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageErr("civivote tally: --winner %q is neither a candidate id (the ID column of the table) nor RON", s)
	}
	return id, nil
}

// writeTally prints the committee's table of the count.
func writeTally(w io.Writer, c *store.Count) error {
	d := c.Election.Definition
	r := c.Result
	fmt.Fprintf(w, "%s — %s\n", d.Slug, d.Title)
	fmt.Fprintf(w, "State: %s. Ballots cast: %d of %d eligible (turnout %.1f%%).\n", c.Election.State, r.BallotsCast, r.Eligible, 100*r.Turnout())
	for i := range r.Positions {
		pr := &r.Positions[i]
		fmt.Fprintf(w, "\n%s (%s) — %d %s\n", pr.Title, pr.Key, pr.Seats, plural(pr.Seats, "seat", "seats"))
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  ID\tCANDIDATE\tVOTES\t\t")
		for _, cr := range pr.Candidates {
			mark := ""
			if cr.Elected {
				mark = "elected"
			}
			fmt.Fprintf(tw, "  %d\t%s\t%d\t%s\t\n", cr.ID, oneLine(c.Name(cr.ID)), cr.Votes, mark)
		}
		if pr.ReopenNominations {
			mark := ""
			if pr.RONElected {
				mark = "wins a seat: it stays empty, nominations re-open"
			}
			fmt.Fprintf(tw, "  RON\tRe-open nominations\t%d\t%s\t\n", pr.RONVotes, mark)
		}
		fmt.Fprintf(tw, "  \tabstentions\t%d\t\t\n", pr.Abstentions)
		if err := tw.Flush(); err != nil {
			return err
		}
		if pr.EmptySeats > 0 {
			fmt.Fprintf(w, "  %d %s empty\n", pr.EmptySeats, plural(pr.EmptySeats, "seat stays", "seats stay"))
		}
		for _, res := range pr.Resolutions {
			fmt.Fprintf(w, "  decided by lot: %s, from %s (%s)\n", oneLine(c.Name(res.Winner)), names(c, res.Tied), oneLine(res.Reason))
		}
		if t := pr.Tie; t != nil {
			fmt.Fprintf(w, "  TIE: %s on %d votes for %d %s. Draw lots, then record the draw:\n", names(c, t.Candidates), t.Votes,
				t.Seats, plural(t.Seats, "seat", "seats"))
			fmt.Fprintf(w, "    civivote tally %s --resolve-tie %s --winner CANDIDATE_ID --reason \"how and by whom the lot was drawn\"\n", d.Slug, pr.Key)
		}
	}
	for _, v := range c.Void {
		fmt.Fprintf(w, "\nVoid: the draw of %s for %s (%s) settled a tie the votes no longer show; draw again if a tie remains.\n",
			election.FormatUTC(v.At), v.Position, oneLine(c.Name(v.Winner)))
	}
	ch := c.Challenges
	if ch.Open+ch.Accepted+ch.Rejected > 0 {
		fmt.Fprintf(w, "\nChallenged ballots: %d open, %d accepted (counted above), %d rejected.\n", ch.Open, ch.Accepted, ch.Rejected)
		if len(c.CouldChange) > 0 {
			fmt.Fprintf(w, "Open challenges could change: %s. Rule on them with `civivote challenges list %s` before publishing.\n",
				strings.Join(c.CouldChange, ", "), d.Slug)
		}
	}
	switch open := r.Unresolved(); {
	case c.Election.State != election.VotingClosed:
	case len(open) > 0:
		fmt.Fprintf(w, "\n%d %s to resolve before the results can be published.\n", len(open), plural(len(open), "tie", "ties"))
	case len(c.CouldChange) == 0:
		fmt.Fprintf(w, "\nReady to publish: civivote publish %s\n", d.Slug)
	}
	return nil
}

// names lists choices as "Name (id), Name (id)".
func names(c *store.Count, ids []int64) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprintf("%s (%s)", oneLine(c.Name(id)), election.ChoiceID(id))
	}
	return strings.Join(out, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
