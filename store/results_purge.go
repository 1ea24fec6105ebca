package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/civivote/civivote/election"
)

// ActionElectionPurged is the audit action of a purge of an election's voter records.
const ActionElectionPurged = "election.purged"

// PurgeReport says what Purge deleted and kept.
type PurgeReport struct {
	Election string
	// Voters counts the roll's rows deleted: each held a link's token hash and the
	// member's voted mark and time.
	Voters int
	// Challenges counts the ruled challenges deleted (each named the member who challenged).
	Challenges int
	// Ballots counts the anonymous ballots kept, as published.
	Ballots     int
	PublishedAt time.Time
	// Turnout is the roll's turnout, kept in the publication for the committee's views.
	Turnout election.Turnout
}

// keptTurnout is what publications.turnout_json holds.
type keptTurnout struct {
	Eligible int               `json:"eligible"`
	Voted    int               `json:"voted"`
	ByHour   []keptHourTurnout `json:"by_hour"`
}

type keptHourTurnout struct {
	Start time.Time `json:"start"`
	Voted int       `json:"voted"`
}

// Purge deletes what links members to election slug once its records have been kept for
// retention after the results were (last) published: the roll's rows (token hashes, so
// no personal link opens anything any more, and each member's voted mark and time) and the
// records of ruled challenges. The anonymous ballots, the publication and the audit log
// stay, and the turnout (numbers only) is kept in the publication first, so the count
// and the committee's views still add up. Before retention has passed it is an error of
// kind election.ErrWrongState that says from when; while a challenge is still open, one
// of kind ErrConflict. It is audited, and runs in one transaction.
func (s *DB) Purge(ctx context.Context, slug string, retention time.Duration, actor string, now time.Time) (PurgeReport, error) {
	rep := PurgeReport{Election: slug}
	if retention <= 0 {
		return rep, election.Errorf(election.ErrInvalid, "the retention must be a positive number of days, not %v", retention)
	}
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, slug, " FOR UPDATE")
		if err != nil {
			return err
		}
		var purged sql.NullTime
		err = tx.QueryRowContext(ctx, `SELECT published_at, purged_at FROM publications WHERE election_id = ? FOR UPDATE`,
			e.ID).Scan(&rep.PublishedAt, &purged)
		days := int(retention.Hours() / 24)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return election.Errorf(election.ErrWrongState, "the results of %s are not published: its voter records are kept "+
				"until %d days after publication (`civivote publish %s` publishes them)", slug, days, slug)
		case err != nil:
			return fmt.Errorf("store: purge %s: %w", slug, err)
		case purged.Valid:
			return election.Errorf(election.ErrConflict, "the voter records of %s were purged on %s; nothing is left to delete",
				slug, election.FormatUTC(purged.Time))
		}
		if from := rep.PublishedAt.Add(retention); now.Before(from) {
			return election.Errorf(election.ErrWrongState, "the voter records of %s must be kept until %s: %d days after its results "+
				"were published on %s (CIVIVOTE_RETENTION_DAYS; US law keeps union election records for one year)",
				slug, election.FormatUTC(from), days, election.FormatUTC(rep.PublishedAt))
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM challenged_ballots WHERE election_id = ? AND status = ?`,
			e.ID, string(election.ChallengeOpen)).Scan(&open); err != nil {
			return fmt.Errorf("store: purge %s: open challenges: %w", slug, err)
		}
		if open > 0 {
			return election.Errorf(election.ErrConflict, "%s still has %d open challenged %s: rule on them with "+
				"`civivote challenges accept|reject %s ID` before purging", slug, open, plural(open, "ballot", "ballots"), slug)
		}
		t, err := turnoutOf(ctx, tx, e)
		if err != nil {
			return err
		}
		rep.Turnout = *t
		kept := keptTurnout{Eligible: t.Eligible, Voted: t.Voted, ByHour: make([]keptHourTurnout, len(t.ByHour))}
		for i, h := range t.ByHour {
			kept.ByHour[i] = keptHourTurnout{h.Start, h.Voted}
		}
		js, err := json.Marshal(kept)
		if err != nil {
			return fmt.Errorf("store: purge %s: %w", slug, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE publications SET purged_at = ?, turnout_json = ? WHERE election_id = ?`,
			now.UTC(), string(js), e.ID); err != nil {
			return fmt.Errorf("store: purge %s: keep the turnout: %w", slug, err)
		}
		if rep.Voters, err = deleteRows(ctx, tx, `DELETE FROM voters WHERE election_id = ?`, e.ID); err != nil {
			return fmt.Errorf("store: purge %s: voters: %w", slug, err)
		}
		if rep.Challenges, err = deleteRows(ctx, tx, `DELETE FROM challenged_ballots WHERE election_id = ?`, e.ID); err != nil {
			return fmt.Errorf("store: purge %s: challenges: %w", slug, err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ballots WHERE election_id = ?`, e.ID).Scan(&rep.Ballots); err != nil {
			return fmt.Errorf("store: purge %s: %w", slug, err)
		}
		return audit(ctx, tx, now, actor, ActionElectionPurged, e.ID, map[string]any{
			"retention_days": days, "published_at": rep.PublishedAt.UTC(), "voters_deleted": rep.Voters,
			"challenges_deleted": rep.Challenges, "ballots_kept": rep.Ballots,
			"eligible": t.Eligible, "voted": t.Voted})
	})
	return rep, err
}

func deleteRows(ctx context.Context, tx *sql.Tx, query string, args ...any) (int, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// purgedTurnout returns the turnout kept when e was purged; purged is false when it was not.
func purgedTurnout(ctx context.Context, q queryer, e *StoredElection) (t *election.Turnout, purged bool, err error) {
	var js []byte
	err = q.QueryRowContext(ctx, `SELECT turnout_json FROM publications WHERE election_id = ? AND purged_at IS NOT NULL`,
		e.ID).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: turnout kept for %s: %w", e.Definition.Slug, err)
	}
	var kept keptTurnout
	if err := json.Unmarshal(js, &kept); err != nil {
		return nil, false, fmt.Errorf("store: turnout kept for %s: %w", e.Definition.Slug, err)
	}
	t = &election.Turnout{Eligible: kept.Eligible, Voted: kept.Voted}
	for _, h := range kept.ByHour {
		t.ByHour = append(t.ByHour, election.HourTurnout{Start: h.Start.In(e.Definition.Location), Voted: h.Voted})
	}
	return t, true, nil
}
