package roster

import (
	"errors"
	"fmt"
	"time"
)

// Outcome is how a run ended.
type Outcome string

// Outcomes of a run. A run is recorded as running when it starts, so a crashed process
// leaves a visible trace.
const (
	OutcomeRunning      Outcome = "running"
	OutcomeSucceeded    Outcome = "succeeded"
	OutcomeFailed       Outcome = "failed"
	OutcomeGuardTripped Outcome = "guard_tripped"
	OutcomeDryRun       Outcome = "dry_run"
)

// Reasons a run did not apply, as recorded in sync_runs and counted in the failures metric.
const (
	ReasonNoMembers     = "no_members"
	ReasonTooManyLapses = "too_many_lapses"
	ReasonCountMismatch = "count_mismatch"
	ReasonSource        = "civicrm"
	ReasonStore         = "database"
	ReasonCancelled     = "cancelled"
)

// Run is one sync run as recorded in sync_runs.
type Run struct {
	ID                                             int64
	StartedAt                                      time.Time
	FinishedAt                                     time.Time // zero while running
	Trigger                                        string    // "cron", "cli" or "api"
	Actor                                          string
	Forced                                         bool
	DryRun                                         bool
	Outcome                                        Outcome
	Reason                                         string // why it did not apply (Reason* constants), "" when it did
	Error                                          string // the error or guard message a human reads
	Pages                                          int
	Fetched                                        int // memberships read
	Expected                                       int // CiviCRM's count after the last page; -1 when not asked
	Contacts                                       int // distinct contacts read
	Added, Updated, Lapsed, Reactivated, Unchanged int
	WithoutEmail                                   int
	Stale                                          int
}

// Request is one call for a run; cron, the CLI and the admin API all make one.
type Request struct {
	Trigger string // "cron", "cli" or "api"
	Actor   string // who asked; "" means the trigger
	// Force applies a run that a guard stopped (a real mass lapse, a count CiviCRM gets
	// wrong). It never applies a run that failed to read the roster.
	Force bool
	// DryRun computes and reports the changes and writes none to the members.
	DryRun bool
}

// GuardError is returned when a guard stops a run. The members table is untouched.
type GuardError struct {
	Reason string // a Reason* constant
	Detail string
}

// Error says which guard stopped the run, that nothing changed, and what to do.
func (e *GuardError) Error() string {
	return fmt.Sprintf("roster: sync stopped by a guard (%s): %s; nothing was changed. "+
		"Check CiviCRM; if the change is real, run it again with --force (or force: true in the admin API)",
		e.Reason, e.Detail)
}

// ErrNotFound is wrapped by stores when a contact is not mirrored.
var ErrNotFound = errors.New("not found")

// ErrBusy is returned when this process is already running a sync.
var ErrBusy = errors.New("roster: a sync is already running in this process; wait for it to finish")
