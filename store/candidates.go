package store

import (
	"context"
	"fmt"

	"github.com/civivote/civivote/election"
)

// Audit actions written for nominations and the committee's decisions on them.
const (
	ActionCandidateNominated = "candidate.nominated"
	ActionCandidateUpdated   = "candidate.updated"
	ActionCandidateWithdrawn = "candidate.withdrawn"
	ActionCandidateAccepted  = "candidate.accepted"
	ActionCandidateRejected  = "candidate.rejected"
)

const candidateColumns = `SELECT id, contact_id, display_name, position_key, statement, co_officer_consent,
  status, COALESCE(status_reason, '') FROM candidates`

func scanCandidate(row rowScanner) (election.Candidate, error) {
	var (
		c      election.Candidate
		status string
	)
	if err := row.Scan(&c.ID, &c.ContactID, &c.Name, &c.PositionKey, &c.Statement, &c.CoOfficershipConsent,
		&status, &c.RejectionReason); err != nil {
		return election.Candidate{}, err
	}
	c.Status = election.CandidateStatus(status)
	return c, nil
}

// loadCandidates reads the election's candidates matching where (an SQL condition on
// candidates with args, or "" for all), ordered by id, with lock appended (e.g. " FOR
// UPDATE").
func loadCandidates(ctx context.Context, q queryer, electionID int64, where, lock string, args ...any) ([]election.Candidate, error) {
	query := candidateColumns + ` WHERE election_id = ?`
	if where != "" {
		query += ` AND ` + where
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY id`+lock, append([]any{electionID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: candidates of election %d: %w", electionID, err)
	}
	defer rows.Close()
	var out []election.Candidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: candidates of election %d: %w", electionID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: candidates of election %d: %w", electionID, err)
	}
	return out, nil
}

// MemberCandidacies returns the member's nominations in the election, whatever their
// status (withdrawn and rejected ones too, so the member's page can say what happened).
func (s *DB) MemberCandidacies(ctx context.Context, electionID, contactID int64) ([]election.Candidate, error) {
	return loadCandidates(ctx, s.sql, electionID, `contact_id = ?`, "", contactID)
}
