package roster

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"go.uber.org/zap"
)

// ChangeKind is a kind of change a run makes to a member.
type ChangeKind string

// Kinds of change, as listed by a dry run.
const (
	ChangeAdd        ChangeKind = "add"
	ChangeUpdate     ChangeKind = "update"
	ChangeReactivate ChangeKind = "reactivate"
	ChangeLapse      ChangeKind = "lapse"
)

// Change is one member a run adds, updates, reactivates or lapses, with the reason.
type Change struct {
	Kind        ChangeKind
	ContactID   int64
	DisplayName string
	Reason      string
}

// Report is what a run did (or, for a dry run, would do).
type Report struct {
	Run
	// Changes lists the first few changes of each kind, in contact id order.
	Changes []Change
	// StaleExamples lists the first few stale memberships.
	StaleExamples []Membership
	// GuardWouldTrip is the guard a dry run would have tripped, nil if none.
	GuardWouldTrip *GuardError

	examples   int
	goodAfter  int
	staged     int        // memberships written to the staging area
	counted    chan count // CiviCRM's count, once the pass is complete
	roll       *roll      // kept for the next run when this one changed nothing
	cachedRoll bool       // the run used the roll kept from the last one
	version    MirrorVersion
	release    int
	phases     []zap.Field // how long each step took, for the log
}

func (r *Report) addLapses(ls []Lapse) {
	for _, l := range ls[:min(len(ls), r.examples)] {
		r.Changes = append(r.Changes, Change{Kind: ChangeLapse, ContactID: l.ContactID, Reason: l.Reason})
	}
}

// WriteText prints the report for a terminal: the outcome, the counts, then the listed
// changes and stale memberships.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, a...) }
	p("sync run %d (%s", r.ID, r.Trigger)
	if r.Forced {
		p(", forced")
	}
	p("): %s", r.Outcome)
	if r.Reason != "" {
		p(" (%s)", r.Reason)
	}
	p("\n")
	if r.Error != "" {
		p("  %s\n", r.Error)
	}
	if g := r.GuardWouldTrip; g != nil {
		p("  a real run would stop here: %s: %s\n", g.Reason, g.Detail)
	}
	took := time.Duration(0)
	if !r.FinishedAt.IsZero() {
		took = r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond)
	}
	expected := "not asked"
	if r.Expected >= 0 {
		expected = fmt.Sprint(r.Expected)
	}
	p("\tpages\t%d\n\tmemberships read\t%d (CiviCRM counts %s)\n\tcontacts\t%d\n", r.Pages, r.Fetched, expected, r.Contacts)
	p("\tadded\t%d\n\tupdated\t%d\n\treactivated\t%d\n\tlapsed\t%d\n\tunchanged\t%d\n", r.Added, r.Updated, r.Reactivated, r.Lapsed, r.Unchanged)
	p("\twithout email\t%d\n\tstale memberships\t%d\n\ttook\t%s\n", r.WithoutEmail, r.Stale, took)
	for _, kind := range []ChangeKind{ChangeAdd, ChangeUpdate, ChangeReactivate, ChangeLapse} {
		first := true
		for _, c := range r.Changes {
			if c.Kind != kind {
				continue
			}
			if first {
				p("%s (first %d):\n", kind, r.examples)
				first = false
			}
			p("\tcontact %d\t%s\t%s\n", c.ContactID, c.DisplayName, c.Reason)
		}
	}
	if len(r.StaleExamples) > 0 {
		p("stale memberships (current status, end date past the grace period):\n")
		for _, m := range r.StaleExamples {
			p("\tmembership %d\tcontact %d\t%s, ended %s\n", m.ID, m.ContactID, m.Status, m.EndDate.Format(time.DateOnly))
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("roster: write report: %w", err)
	}
	return nil
}
