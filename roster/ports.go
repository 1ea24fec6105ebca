package roster

import (
	"context"
	"iter"
	"time"
)

// Source is CiviCRM as the sync sees it. It is declared here, with the roster's own types,
// so that the rules do not depend on the client; civicrm.RosterSource implements it.
type Source interface {
	// Memberships streams every current membership in ascending membership id. It yields
	// an error and stops when the pass cannot be completed.
	Memberships(ctx context.Context) iter.Seq2[Membership, error]
	// PageSize is how many memberships one request reads, to count pages.
	PageSize() int
	// CountCurrent counts what Memberships would yield now (memberships, not contacts).
	CountCurrent(ctx context.Context) (int, error)
	// ContactStates looks up contacts that were not returned; every id asked is answered.
	ContactStates(ctx context.Context, ids []int64) (map[int64]ContactState, error)
}

// RollEntry is one mirrored member as the sync needs it to recognise an unchanged row.
type RollEntry struct {
	ContactID      int64
	Hash           uint64
	Memberships    int
	InGoodStanding bool
}

// Store keeps the mirror. It is declared here so the sync's rules can be tested and read
// without the SQL; store.DB implements it.
type Store interface {
	// Roll calls fn for every mirrored member, in ascending contact id.
	Roll(ctx context.Context, fn func(RollEntry) error) error
	// Overrides returns the overrides not yet released (in force, or expired but not yet
	// taken back by a sync).
	Overrides(ctx context.Context) ([]Override, error)
	// StartRun records a run that has begun and returns its id.
	StartRun(ctx context.Context, r Run) (int64, error)
	// FinishRun records how the run ended.
	FinishRun(ctx context.Context, r Run) error
	// Stage opens a private staging area for one run; nothing in it is visible to anyone
	// else, and Close discards it.
	Stage(ctx context.Context, runID int64) (Stage, error)
	// SetOverride records an override and applies it to the member at once.
	SetOverride(ctx context.Context, o Override) error
	// Member returns the mirrored member, ErrNotFound inside when there is none.
	Member(ctx context.Context, contactID int64) (MemberRecord, error)
	// History returns the member's eligibility changes, newest first.
	History(ctx context.Context, contactID int64, limit int) ([]Event, error)
	// Runs returns the latest runs, newest first.
	Runs(ctx context.Context, limit int) ([]Run, error)
	// LastSuccess returns the finish time of the latest run that applied, zero if none.
	LastSuccess(ctx context.Context) (time.Time, error)
	// MirrorVersion identifies the state of the mirror cheaply, to tell whether a roll kept
	// in memory from the last run is still the mirror.
	MirrorVersion(ctx context.Context) (MirrorVersion, error)
	// CountWithoutEmail counts members in good standing that have no email.
	CountWithoutEmail(ctx context.Context) (int, error)
}

// Stage is the private staging area of one run.
type Stage interface {
	// Put stages new or changed members; two puts for one contact fold (Fold's rule).
	Put(ctx context.Context, ms []Member) error
	// FoldMirrored folds the mirrored member of each contact into the staged one: used for
	// a contact whose first membership matched the mirror (so was not staged) and that then
	// showed another.
	FoldMirrored(ctx context.Context, contactIDs []int64) error
	// Diff compares the staged members with the mirror: counts and the first limit changes
	// of each kind.
	Diff(ctx context.Context, at time.Time, limit int) (Diff, error)
	// Apply writes the staged members and the lapses to the mirror in batched
	// transactions, with an audit entry for every eligibility change.
	Apply(ctx context.Context, p Plan) error
	// Close discards the staging area.
	Close() error
}

// Diff is what applying the staged members would change.
type Diff struct {
	Added, Updated, Reactivated, Unchanged int
	Examples                               []Change
}

// Plan is what Apply writes.
type Plan struct {
	RunID int64
	At    time.Time
	// Lapses are the contacts to lapse, each with its reason.
	Lapses []Lapse
	// Release lists expired overrides that this run takes back.
	Release []int64
}

// Lapse is one member to take out of good standing.
type Lapse struct {
	ContactID  int64
	Reason     string
	MergedInto int64
}

// MirrorVersion changes whenever the mirror may have: every eligibility change is audited
// and every content change comes from an applied run.
type MirrorVersion struct {
	LastAuditID    int64
	LastAppliedRun int64
}
