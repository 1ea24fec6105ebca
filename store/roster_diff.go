package store

import (
	"context"
	"fmt"
	"time"

	"github.com/civivote/civivote/roster"
)

// stageJoin puts each staged member next to its mirrored row and its override in force.
const stageJoin = ` FROM roster_stage s
  LEFT JOIN members m ON m.contact_id = s.contact_id
  LEFT JOIN member_overrides o ON o.contact_id = s.contact_id AND o.until_at > ? AND o.released_at IS NULL `

// The kinds of change, as conditions on stageJoin. An override in force decides the standing
// (COALESCE(o.eligible, TRUE)); an update is a content change of a member whose standing
// stays.
const (
	condAdded       = `m.contact_id IS NULL`
	condReactivated = `(m.contact_id IS NOT NULL AND NOT m.in_good_standing AND COALESCE(o.eligible, TRUE))`
	condUpdated     = `(m.contact_id IS NOT NULL AND NOT ` + condReactivated + `
  AND (m.row_hash <> s.row_hash OR m.membership_count <> s.membership_count))`
)

// reasonSQL words each kind of change for a dry run's listing.
var reasonSQL = map[roster.ChangeKind]string{
	roster.ChangeAdd: `CONCAT('new member: ', s.membership_status, ' ', s.membership_type)`,
	roster.ChangeReactivate: `CONCAT('back as ', s.membership_status, ' after lapsing on ',
  COALESCE(DATE_FORMAT(m.lapsed_at, '%Y-%m-%d'), 'an unknown date'), ': ', COALESCE(m.lapse_reason, 'no reason recorded'))`,
	roster.ChangeUpdate: `CONCAT('changed: ', CONCAT_WS(', ',
  IF(m.display_name <=> s.display_name, NULL, 'name'),
  IF(m.email <=> s.email, NULL, 'email'),
  IF(m.external_id <=> s.external_id, NULL, 'external id'),
  IF(m.membership_type <=> s.membership_type, NULL, CONCAT('type ', m.membership_type, ' to ', s.membership_type)),
  IF(m.membership_status <=> s.membership_status, NULL, CONCAT('status ', m.membership_status, ' to ', s.membership_status)),
  IF(m.join_date <=> s.join_date AND m.start_date <=> s.start_date AND m.end_date <=> s.end_date, NULL, 'dates'),
  IF(m.membership_count <=> s.membership_count, NULL, 'number of memberships'),
  IF(m.membership_id <=> s.membership_id, NULL, 'membership')))`,
}

// Diff counts what applying the stage would change and lists the first limit of each kind.
func (st *rosterStage) Diff(ctx context.Context, at time.Time, limit int) (roster.Diff, error) {
	var d roster.Diff
	err := st.conn.QueryRowContext(ctx, `SELECT
		  COALESCE(SUM(`+condAdded+`), 0),
		  COALESCE(SUM(`+condReactivated+`), 0),
		  COALESCE(SUM(`+condUpdated+`), 0)`+stageJoin, at.UTC()).Scan(&d.Added, &d.Reactivated, &d.Updated)
	if err != nil {
		return roster.Diff{}, fmt.Errorf("store: compare the staged roster: %w", err)
	}
	for _, k := range []struct {
		kind roster.ChangeKind
		cond string
		n    int
	}{{roster.ChangeAdd, condAdded, d.Added}, {roster.ChangeUpdate, condUpdated, d.Updated}, {roster.ChangeReactivate, condReactivated, d.Reactivated}} {
		if k.n == 0 {
			continue
		}
		rows, err := st.conn.QueryContext(ctx, `SELECT s.contact_id, s.display_name, `+reasonSQL[k.kind]+
			stageJoin+` WHERE `+k.cond+` ORDER BY s.contact_id LIMIT ?`, at.UTC(), limit)
		if err != nil {
			return roster.Diff{}, fmt.Errorf("store: list staged changes: %w", err)
		}
		for rows.Next() {
			c := roster.Change{Kind: k.kind}
			if err := rows.Scan(&c.ContactID, &c.DisplayName, &c.Reason); err != nil {
				rows.Close()
				return roster.Diff{}, fmt.Errorf("store: list staged changes: %w", err)
			}
			d.Examples = append(d.Examples, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return roster.Diff{}, fmt.Errorf("store: list staged changes: %w", err)
		}
	}
	return d, nil
}
