package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/outbox"
)

// The "not yet voted" group lets the comms admin send reminder mailings from CiviMail to
// members who have not voted. It is filled when voting opens (enterVotingOpenTx) and a
// voter leaves it once they have voted (QueueVotedRemovals). Casting itself only marks
// the voter: queueing each removal inside the cast's transaction took two more outbox
// statements per cast and cut casts/s by about 40%, while reminders are mailed days
// apart, so a removal queued within a minute of the cast, in batches, serves as well.

// notVotedPage bounds the voters read and enqueued at once when voting opens, so memory
// stays bounded by it rather than by the roll.
const notVotedPage = 2000

// enterVotingOpenTx fills e's "not yet voted" group as e enters voting_open, inside the
// caller's transaction: it queues adding every live voter in good standing who has not
// voted, in pages of multi-row enqueues.
// Enqueueing is idempotent, so running it twice queues nothing twice.
func (s *DB) enterVotingOpenTx(ctx context.Context, tx *sql.Tx, e *StoredElection, now time.Time) error {
	group := outbox.NotVotedGroup(e.Definition.Slug, e.Definition.Title)
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

// votedRemovalPage bounds the removals one sweep transaction queues.
const votedRemovalPage = 500

// QueueVotedRemovals queues, in batches, the removal from the "not yet voted" group of
// every voter who has voted since the last sweep, in each election whose voting is open
// or has just closed. Run it on the lifecycle tick (every minute). It returns how many
// removals it queued. Replicas may run it at once: a removal is queued once whatever
// happens, as the outbox skips a key it already holds. An election that fails does not
// stop the others.
func (s *DB) QueueVotedRemovals(ctx context.Context) (int, error) {
	list, err := s.ListElections(ctx)
	if err != nil {
		return 0, err
	}
	var (
		queued int
		errs   []error
	)
	for _, e := range list {
		if e.State != election.VotingOpen && e.State != election.VotingClosed {
			continue
		}
		// One walk through the roll in contact order per sweep: each page starts after the
		// last, so rows already done are not read again.
		after := int64(-1)
		for {
			n, last, err := s.queueVotedRemovalPage(ctx, e, after)
			queued += n
			if err != nil {
				errs = append(errs, fmt.Errorf("store: election %s: queue removals from the not-yet-voted group: %w", e.Definition.Slug, err))
				break
			}
			if n < votedRemovalPage {
				break
			}
			after = last
		}
	}
	return queued, errors.Join(errs...)
}

// queueVotedRemovalPage queues one page of removals, of voters after contact id after, and
// marks those voters, in one transaction. It returns how many voters it marked and the last.
func (s *DB) queueVotedRemovalPage(ctx context.Context, e *StoredElection, after int64) (n int, last int64, err error) {
	group := outbox.NotVotedGroup(e.Definition.Slug, e.Definition.Title)
	err = s.retryDeadlock(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT contact_id FROM voters
			WHERE election_id = ? AND contact_id > ? AND voted AND NOT not_voted_removal_queued
			ORDER BY contact_id LIMIT ?`, e.ID, after, votedRemovalPage)
		if err != nil {
			return err
		}
		var ids []any
		var items []outbox.Item
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
			items = append(items, outbox.RemoveFromGroup(outbox.Membership{Group: group, ContactID: id}))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		n = len(ids)
		if n == 0 {
			return nil
		}
		last = ids[n-1].(int64)
		if _, err := s.Outbox().EnqueueTx(ctx, tx, items); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE voters SET not_voted_removal_queued = TRUE
			WHERE election_id = ? AND contact_id IN (?`+strings.Repeat(",?", n-1)+`)`, append([]any{e.ID}, ids...)...)
		return err
	})
	return n, last, err
}
