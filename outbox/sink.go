package outbox

import "context"

// Sink delivers batches to CiviCRM (package civicrm implements it). Each method writes its
// whole batch idempotently, so the worker may send a batch again after an error that left
// it partly applied. A method returns an error when the batch as a whole failed (it is
// retried), and Rejections for records CiviCRM refused one by one (those items fail for
// good while the rest count as delivered).
type Sink interface {
	SetLinks(ctx context.Context, field string, links []ContactURL) ([]Rejection, error)
	// EnsureGroup returns the id of the group, creating it if needed.
	EnsureGroup(ctx context.Context, g Group) (int64, error)
	AddToGroup(ctx context.Context, groupID int64, contactIDs []int64) ([]Rejection, error)
	RemoveFromGroup(ctx context.Context, groupID int64, contactIDs []int64) ([]Rejection, error)
	SaveRelationships(ctx context.Context, rels []Relationship) ([]Rejection, error)
}

// Rejection is one record of a batch that CiviCRM refused and retrying cannot fix, such as
// a contact that no longer exists.
type Rejection struct {
	Index  int    // position in the batch passed to the Sink
	Reason string // what was wrong and what to do, shown to an administrator
}
