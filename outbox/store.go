package outbox

import (
	"context"
	"time"
)

// Store is the durable table behind the outbox (package store implements it on MySQL). It
// is declared here, where it is used, so the outbox needs no database code.
//
// Enqueueing inside a caller's transaction is the store's business, not this interface's:
// package store offers EnqueueTx(ctx, *sql.Tx, items) for use within its Transact, so for
// example issuing a token and queueing its link commit together. Items are the same values
// in both paths.
type Store interface {
	// Enqueue queues items idempotently (see Item.Key and Item.Scope) and returns how many
	// were new.
	Enqueue(ctx context.Context, items []Item) (int, error)
	// Claim marks up to c.Limit due, unclaimed pending items of c.Kind as claimed by c.Token
	// until c.Until, counts an attempt on each, and returns them oldest first. It must be
	// safe against other replicas claiming at the same time: a row goes to one claimer.
	Claim(ctx context.Context, c ClaimRequest) ([]Claimed, error)
	// Settle records outcomes of items claimed with token. Items whose claim has since
	// passed to another token are left alone.
	Settle(ctx context.Context, token string, now time.Time, outcomes []Outcome) error
	// Retry makes failed items pending and due at now; ids nil means every failed item. It
	// returns how many it changed.
	Retry(ctx context.Context, ids []int64, now time.Time) (int, error)
	// Stats counts the backlog at now.
	Stats(ctx context.Context, now time.Time) (Stats, error)
	// Failed lists up to limit failed items, oldest first.
	Failed(ctx context.Context, limit int) ([]Entry, error)
}

// ClaimRequest asks Store.Claim for a batch.
type ClaimRequest struct {
	Kind  Kind
	Token string // unique per claim
	Limit int
	Now   time.Time
	Until time.Time // the claim expires then, so a crashed worker's items come back
}

// Claimed is an item handed to a worker.
type Claimed struct {
	ID       int64
	Key      string
	Payload  []byte
	Attempts int // this attempt included
}

// State is where an item is in its life.
type State string

// Item states as stored.
const (
	StatePending    State = "pending"
	StateDone       State = "done"
	StateFailed     State = "failed"     // CiviCRM refused it for good; an admin may Retry it
	StateSuperseded State = "superseded" // a newer item of its scope replaced it
)

// Outcome is what became of one claimed item.
type Outcome struct {
	ID    int64
	State State     // StateDone, StateFailed, or StatePending to retry at Next
	Next  time.Time // for StatePending
	Err   string    // kept as the item's last error; empty for StateDone
}

// Stats describes the backlog.
type Stats struct {
	Pending int // waiting, due or not
	Due     int // pending and due now (claimed ones included)
	Failed  int
	// OldestPending is when the oldest pending item was queued; zero with none.
	OldestPending time.Time
	ByKind        map[Kind]KindStats
}

// KindStats is the backlog of one kind.
type KindStats struct {
	Pending, Due, Failed int
	// OldestPending is when the kind's oldest pending item was queued; zero with none.
	OldestPending time.Time
}

// Entry is an item as an administrator sees it. It carries no payload: a link's URL is a
// personal secret.
type Entry struct {
	ID        int64
	Kind      Kind
	Key       string
	State     State
	Attempts  int
	LastError string
	CreatedAt time.Time
}
