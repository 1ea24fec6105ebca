package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/civivote/civivote/outbox"
)

// notVotedPage bounds the voters read and enqueued at once when voting opens, so memory
// stays bounded by it rather than by the roll.
const notVotedPage = 2000

// enterVotingOpenTx fills e's "not yet voted" group as e enters voting_open, inside the
// caller's transaction: it queues adding every live voter in good standing who has not
// voted, in pages of multi-row enqueues. Casting removes each voter again (CastBallot).
// Enqueueing is idempotent, so running it twice queues nothing twice.
func (s *DB) enterVotingOpenTx(ctx context.Context, tx *sql.Tx, e *StoredElection, now time.Time) error {
	group := notVotedGroup(e.Definition)
	after := int64(-1)
	for {
		ids, err := notVotedPageAfter(ctx, tx, e.ID, after)
		if err != nil {
			return fmt.Errorf("store: election %s: fill the not-yet-voted group: %w", e.Definition.Slug, err)
		}
		if len(ids) == 0 {
			return nil
		}
		items := make([]outbox.Item, len(ids))
		for i, id := range ids {
			items[i] = outbox.AddToGroup(outbox.Membership{Group: group, ContactID: id})
		}
		if _, err := s.Outbox().EnqueueTx(ctx, tx, items); err != nil {
			return fmt.Errorf("store: election %s: fill the not-yet-voted group: %w", e.Definition.Slug, err)
		}
		after = ids[len(ids)-1]
	}
}

// notVotedPageAfter returns the next page of contact ids, in order, of live voters in good
// standing who have not voted.
func notVotedPageAfter(ctx context.Context, tx *sql.Tx, electionID, after int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT v.contact_id FROM voters v JOIN members m ON m.contact_id = v.contact_id
		WHERE v.election_id = ? AND v.contact_id > ? AND NOT v.voted AND v.revoked_at IS NULL AND m.in_good_standing
		ORDER BY v.contact_id LIMIT ?`, electionID, after, notVotedPage)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, notVotedPage)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
