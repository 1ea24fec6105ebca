package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/civivote/civivote/store"
)

const auditUsage = `audit SLUG | audit --all`

const auditHelp = `Prints the audit log, oldest first: every committee and admin action (applying the
definition, each state change, candidate decisions, links issued and reissued, draws of
lots, publication, write-back, purge) with its time (UTC), actor and details. It never
records how anyone voted. --all prints the whole log, every election and the roster.`

func runAudit(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	all := fs.Bool("all", false, "the whole log, not one election's")
	after := fs.Int64("after", 0, "only entries with an id above this (to continue from an earlier listing)")
	var slug string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") || len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
		var err error
		if slug, err = slugCommand(fs, e, args, auditUsage, auditHelp); err != nil {
			return helpOK(err)
		}
		if *all {
			return usageErr("civivote audit: give a slug or --all, not both")
		}
	} else {
		if err := parseFlags(fs, e, args, auditUsage, false); err != nil {
			return helpOK(err)
		}
		if !*all {
			return usageErr("civivote audit: give the election's slug (civivote election list shows them), or --all for the whole log")
		}
	}
	db, done, err := openElectionDB(ctx, e)
	if err != nil {
		return err
	}
	defer done()
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME (UTC)\tACTOR\tACTION\tELECTION\tCONTACT\tDETAILS")
	n := 0
	for from := *after; ; {
		page, err := db.AuditLog(ctx, slug, from, store.MaxAuditPage)
		if err != nil {
			return fmt.Errorf("civivote audit: %w", err)
		}
		for _, a := range page {
			if err := writeAuditEntry(tw, a); err != nil {
				return err
			}
		}
		n += len(page)
		if len(page) < store.MaxAuditPage {
			break
		}
		from = page[len(page)-1].ID
	}
	if n == 0 {
		fmt.Fprintln(e.stdout, "No audit entries yet.")
		return nil
	}
	return tw.Flush()
}

func writeAuditEntry(w io.Writer, a store.AuditEntry) error {
	details, err := json.Marshal(a.Details)
	if err != nil {
		return err
	}
	contact, election := "-", "-"
	if a.ContactID != 0 {
		contact = strconv.FormatInt(a.ContactID, 10)
	}
	if a.Election != "" {
		election = a.Election
	}
	_, err = fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.At.UTC().Format("2006-01-02 15:04:05"), oneLine(a.Actor),
		a.Action, election, contact, details)
	return err
}
