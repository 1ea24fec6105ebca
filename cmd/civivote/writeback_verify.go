package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/civivote/civivote/civicrm"
	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
)

// officerCheck is what CiviCRM holds for one elected officer.
type officerCheck struct {
	officer store.Officer
	status  string // "ok", "missing" or "wrong"
	detail  string
}

// verify reads the officers of election slug back from CiviCRM (every relationship of the
// type from them to the organisation, past and future too: a tenure that has not started
// is not current) and reports each one. It fails when any is missing or wrong.
func (w writebacks) verify(ctx context.Context, out io.Writer, slug string) error {
	if w.org <= 0 {
		return fmt.Errorf("civivote writeback --verify: CIVIVOTE_CIVICRM_ORG_CONTACT_ID is not set: set it to the " +
			"organisation's CiviCRM contact id")
	}
	officers, err := w.db.WritebackOfficers(ctx, slug)
	if err != nil {
		return fmt.Errorf("civivote writeback --verify: %w", err)
	}
	ids := make([]int64, len(officers))
	for i, o := range officers {
		ids[i] = o.ContactID
	}
	rels, err := w.crm.RelationshipsOf(ctx, w.relType, w.org, ids)
	if err != nil {
		return fmt.Errorf("civivote writeback --verify: %w", err)
	}
	checks := checkOfficers(officers, rels)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Officers of %s in CiviCRM (contact %d, %q):\n", slug, w.org, w.relType)
	fmt.Fprintln(tw, "  POSITION\tOFFICER\tCONTACT\tIN CIVICRM")
	bad := 0
	for _, c := range checks {
		if c.status != "ok" {
			bad++
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\n", c.officer.Position, c.officer.Name, c.officer.ContactID, c.detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("civivote writeback --verify: %d of %d officers are missing or wrong in CiviCRM: if "+
			"`civivote writeback %s` shows writes pending or failed, wait for the drain or see `civivote outbox failed`; "+
			"if a relationship was changed in CiviCRM by hand, run `civivote writeback %s` again after deleting the wrong one",
			bad, len(checks), slug, slug)
	}
	fmt.Fprintf(out, "All %d officers are in CiviCRM with the right dates.\n", len(checks))
	return nil
}

// checkOfficers compares each officer with their relationships: the tenure is the one
// with the officer's start date; without one, a relationship for the same position says
// the dates are wrong.
func checkOfficers(officers []store.Officer, rels []civicrm.Relationship) []officerCheck {
	out := make([]officerCheck, len(officers))
	for i, o := range officers {
		out[i] = officerCheck{officer: o, status: "missing",
			detail: fmt.Sprintf("MISSING: no %s relationship starting %s", o.Position, o.Start)}
		var samePosition *civicrm.Relationship
		for j := range rels {
			r := &rels[j]
			if r.ContactIDA != o.ContactID {
				continue
			}
			if dateOf(r.StartDate) == o.Start {
				out[i] = checkTenure(o, r)
				samePosition = nil
				break
			}
			if r.Description == o.Position && samePosition == nil {
				samePosition = r
			}
		}
		if samePosition != nil {
			out[i] = officerCheck{officer: o, status: "wrong", detail: fmt.Sprintf("WRONG DATES: relationship %d runs %s, want %s",
				samePosition.ID, span(dateOf(samePosition.StartDate), dateOf(samePosition.EndDate)), span(o.Start, o.End))}
		}
	}
	return out
}

func checkTenure(o store.Officer, r *civicrm.Relationship) officerCheck {
	var problems []string
	if end := dateOf(r.EndDate); end != o.End {
		problems = append(problems, fmt.Sprintf("ends %s, want %s", orNone(end), o.End))
	}
	if r.Description != o.Position {
		problems = append(problems, fmt.Sprintf("description %q, want %q", r.Description, o.Position))
	}
	if !r.Active {
		problems = append(problems, "inactive")
	}
	if len(problems) > 0 {
		return officerCheck{officer: o, status: "wrong",
			detail: fmt.Sprintf("WRONG: relationship %d %s", r.ID, joinProblems(problems))}
	}
	return officerCheck{officer: o, status: "ok", detail: fmt.Sprintf("ok: relationship %d, %s", r.ID, span(o.Start, o.End))}
}

func span(from, to election.Date) string { return orNone(from) + " to " + orNone(to) }

func orNone(d election.Date) string {
	if d.IsZero() {
		return "(none)"
	}
	return d.String()
}

func joinProblems(p []string) string {
	s := p[0]
	for _, q := range p[1:] {
		s += ", " + q
	}
	return s
}
