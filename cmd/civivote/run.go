package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/civivote/civivote/config"
)

// exitError carries the process exit status for errors that are not plain failures:
// 2 for usage and configuration mistakes.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// env is what every subcommand gets from run.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

// commands lists every subcommand. Each is added by the change that gives it real content.
var commands = map[string]command{
	"serve":       {"run the HTTP server and the scheduler (migrates the database first)", runServe},
	"migrate":     {"apply pending database migrations and exit", runMigrate},
	"check":       {"check the connection to CiviCRM and everything civivote needs there", runCheck},
	"sync":        {"sync the roster of members in good standing from CiviCRM now (--dry-run, --force)", runSync},
	"election":    {"define elections from YAML, list and show them, and move one on by hand", runElection},
	"tokens":      {"issue the personal voting links of an election, or a new link for one member", runTokens},
	"candidates":  {"list the nominations of an election, and accept or reject candidates", runCandidates},
	"challenges":  {"list challenged ballots and rule on them (accept or reject), or print a member's challenge link", runChallenges},
	"letters":     {"print a PDF letter with the personal link and its QR code for each member without a usable email", runLetters},
	"demo":        {"run a whole election on this machine: a fake CiviCRM, the WISE-RA election open for voting (`make demo`)", runDemo},
	"writeback":   {"record the elected officers of a published election in CiviCRM, or check them there (--verify)", runWriteback},
	"outbox":      {"show the backlog of writes to CiviCRM and the failed ones, and queue failed ones again", runOutbox},
	"roster":      {"show a member's standing (\"why can't I vote?\") or override it for a dispute", runRoster},
	"tally":       {"count an election after voting closes; record the committee's draw of lots for a tie", runTally},
	"publish":     {"publish an election's results, results.json, results.csv and ballots.json (prints URLs and hashes)", runPublish},
	"audit":       {"print the audit log of an election (or --all): who did what and when, never how anyone voted", runAudit},
	"purge":       {"delete an election's token hashes and voted marks after the retention period (--yes)", runPurge},
	"version":     {"print the version and exit", runVersion},
	"healthcheck": {"exit 0 when the local server answers /healthz (for container health checks)", runHealthcheck},
}

// run is main without the process: arguments, environment and output are injected so
// tests can drive every subcommand.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		writeUsage(stderr)
		return usageErr("civivote: no command given")
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		writeUsage(stdout)
		return nil
	}
	cmd, ok := commands[name]
	if !ok {
		writeUsage(stderr)
		return usageErr("civivote: unknown command %q", name)
	}
	return cmd.run(ctx, e, args[1:])
}

func writeUsage(w io.Writer) {
	fmt.Fprintln(w, "civivote runs officer elections for a union on top of CiviCRM.")
	fmt.Fprintln(w, "\nUsage: civivote COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `civivote COMMAND --help` for a command's flags and settings.")
}

// parseFlags parses a subcommand's flags; --help prints usage (with the configuration
// variables when withConfig) and returns errHelp.
func parseFlags(fs *flag.FlagSet, e env, args []string, usage string, withConfig bool) error {
	// Parse writes nothing itself: help goes to stdout, mistakes to stderr, once.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	printUsage := func(out io.Writer) {
		fs.SetOutput(out)
		fmt.Fprintf(out, "Usage: civivote %s\n", usage)
		var hasFlags bool
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(out, "\nFlags:")
			fs.PrintDefaults()
		}
		if withConfig {
			fmt.Fprintln(out, "\nConfiguration comes from these environment variables:")
			config.WriteHelp(out)
		}
	}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(e.stdout)
		return errHelp
	}
	if err != nil {
		printUsage(e.stderr)
		return &exitError{code: 2, err: fmt.Errorf("civivote %s: %w", fs.Name(), err)}
	}
	if fs.NArg() > 0 {
		return usageErr("civivote %s: unexpected arguments: %s", fs.Name(), strings.Join(fs.Args(), " "))
	}
	return nil
}

// errHelp means --help was shown; the command then exits 0.
var errHelp = errors.New("help shown")

// configErr turns a configuration problem into exit status 2.
func configErr(err error) error { return &exitError{code: 2, err: err} }
