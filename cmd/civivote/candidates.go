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

const candidatesUsage = `candidates list SLUG [--statements] | accept SLUG ID… | reject SLUG ID --reason TEXT

  list    every nomination with its id, position, name, status, co-officership
          consent and statement length; --statements prints the statements too
  accept  accept candidates (by id, from the list) for the ballot
  reject  reject a candidate; the reason is shown to them and kept in the audit log

Decisions are possible from nominations opening until voting opens. After the close of
nominations each decision fixes the seats again (a co-officership needs every accepted
candidate's consent).`

func runCandidates(ctx context.Context, e env, args []string) error {
	return dispatch(ctx, e, "candidates", candidatesUsage, []subcommand{
		{"list", runCandidatesList},
		{"accept", runCandidatesAccept},
		{"reject", runCandidatesReject},
	}, args)
}

func runCandidatesList(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("candidates list", flag.ContinueOnError)
	statements := fs.Bool("statements", false, "print each candidate's statement after the table")
	slug, err := slugArg(fs, e, args, "candidates list SLUG [--statements]")
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
		return fmt.Errorf("civivote candidates list: %w", err)
	}
	list, err := db.Candidates(ctx, slug)
	if err != nil {
		return fmt.Errorf("civivote candidates list: %w", err)
	}
	return writeCandidates(e.stdout, el.Definition, list, *statements)
}

// writeCandidates prints the committee's table of nominations and, when asked, the
// statements as members will read them.
func writeCandidates(w io.Writer, d *election.Definition, list []election.Candidate, statements bool) error {
	if len(list) == 0 {
		fmt.Fprintf(w, "No nominations in %s yet.\n", d.Slug)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPOSITION\tNAME\tSTATUS\tCONSENT\tWORDS\tREASON")
	for _, c := range list {
		consent := "-"
		if p, ok := d.Position(c.PositionKey); ok && p.CoOfficership {
			consent = "no"
			if c.CoOfficershipConsent {
				consent = "yes"
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\n", c.ID, c.PositionKey, oneLine(c.Name), c.Status, consent,
			election.CountWords(c.Statement), oneLine(c.RejectionReason))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !statements {
		return nil
	}
	for _, c := range list {
		title := c.PositionKey
		if p, ok := d.Position(c.PositionKey); ok {
			title = p.Title
		}
		fmt.Fprintf(w, "\n— %d: %s for %s (%s)\n\n", c.ID, oneLine(c.Name), title, c.Status)
		for _, para := range election.Paragraphs(c.Statement) {
			fmt.Fprintf(w, "%s\n\n", para)
		}
	}
	return nil
}

// oneLine keeps a name or reason on its table row.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// candidateIDs parses the ids after the slug.
func candidateIDs(cmd string, args []string) ([]int64, error) {
	if len(args) == 0 {
		return nil, usageErr("civivote candidates %s: give the candidate ids (civivote candidates list SLUG shows them)", cmd)
	}
	ids := make([]int64, 0, len(args))
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, usageErr("civivote candidates %s: %q is not a candidate id: use the numbers in the ID column of civivote candidates list SLUG", cmd, a)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func runCandidatesAccept(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("candidates accept", flag.ContinueOnError)
	slug, rest, err := slugAndArgs(fs, e, args, "candidates accept SLUG ID…")
	if err != nil {
		return helpOK(err)
	}
	ids, err := candidateIDs("accept", rest)
	if err != nil {
		return err
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	for _, id := range ids {
		if err := db.AcceptCandidate(ctx, slug, id, "cli", time.Now()); err != nil {
			return fmt.Errorf("civivote candidates accept: candidate %d: %w", id, err)
		}
		fmt.Fprintf(e.stdout, "accepted: candidate %d\n", id)
	}
	return nil
}

func runCandidatesReject(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("candidates reject", flag.ContinueOnError)
	reason := fs.String("reason", "", "why, in words the candidate will read (required)")
	slug, rest, err := slugAndArgs(fs, e, args, "candidates reject SLUG ID --reason TEXT")
	if err != nil {
		return helpOK(err)
	}
	ids, err := candidateIDs("reject", rest)
	if err != nil {
		return err
	}
	if len(ids) != 1 {
		return usageErr("civivote candidates reject: give one candidate id at a time, each rejection has its own reason")
	}
	if strings.TrimSpace(*reason) == "" {
		return usageErr("civivote candidates reject: --reason is required: the candidate is shown why they were rejected")
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	if err := db.RejectCandidate(ctx, slug, ids[0], *reason, "cli", time.Now()); err != nil {
		return fmt.Errorf("civivote candidates reject: candidate %d: %w", ids[0], err)
	}
	fmt.Fprintf(e.stdout, "rejected: candidate %d\n", ids[0])
	return nil
}

// slugAndArgs takes the slug, then flags and positional arguments in any order
// ("reject SLUG 7 --reason X" and "reject SLUG --reason X 7" both work).
func slugAndArgs(fs *flag.FlagSet, e env, args []string, usage string) (string, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := parseFlags(fs, e, args, usage, false); err != nil {
			return "", nil, err
		}
		return "", nil, usageErr("civivote %s: give the election's slug (civivote election list shows them)", usage)
	}
	slug := args[0]
	var flags, positional []string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if !strings.HasPrefix(a, "-") {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		// A flag given as "--reason TEXT" takes the next argument with it.
		if name := strings.TrimLeft(a, "-"); !strings.Contains(name, "=") && fs.Lookup(name) != nil && i+1 < len(rest) {
			if _, isBool := fs.Lookup(name).Value.(interface{ IsBoolFlag() bool }); !isBool {
				flags = append(flags, rest[i+1])
				i++
			}
		}
	}
	if err := parseFlags(fs, e, flags, usage, false); err != nil {
		return "", nil, err
	}
	return slug, positional, nil
}

// writeCandidateSummary adds to `election show` each position's nominations by status
// and, once nominations have closed, the seats fixed for it.
func writeCandidateSummary(w io.Writer, d *election.Definition, sum map[string]store.PositionCandidates) {
	fmt.Fprintln(w, "\nCandidates (pending / accepted / rejected / withdrawn; seats once fixed):")
	for _, p := range d.Positions {
		pc := sum[p.Key]
		seats := "not fixed yet"
		if pc.FixedSeats > 0 {
			seats = fmt.Sprintf("%d fixed", pc.FixedSeats)
		}
		fmt.Fprintf(w, "  %-32s %d / %d / %d / %d   seats: %s\n", p.Key, pc.ByStatus[election.Pending], pc.ByStatus[election.Accepted],
			pc.ByStatus[election.Rejected], pc.ByStatus[election.Withdrawn], seats)
	}
}
