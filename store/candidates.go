package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/go-sql-driver/mysql"
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

// Nominate records the member's nomination of themselves (see
// election.Definition.Nominate for the rules), as a new candidate or as an edit of their
// nomination for the same position, which goes back to pending for the committee. It is
// one transaction that first locks the member's roll entry, so two nominations by one
// member, even at the same instant, are decided one after the other and
// one_position_per_member holds. The member's standing and the election's state are read
// again from the database, not trusted from v. The nomination is audited; the statement
// itself is not copied into the log (its digest is), since the candidates table keeps it.
func (s *DB) Nominate(ctx context.Context, v *election.Voter, n election.Nomination, now time.Time) (election.Candidate, error) {
	var out election.Candidate
	err := s.retryDeadlock(ctx, func(tx *sql.Tx) error {
		e, name, err := lockMember(ctx, tx, v, true)
		if err != nil {
			return err
		}
		own, err := loadCandidates(ctx, tx, e.ID, `contact_id = ?`, " FOR UPDATE", v.ContactID)
		if err != nil {
			return err
		}
		c, err := e.Definition.Nominate(e.State, now, v.ContactID, own, n)
		if err != nil {
			return err
		}
		c.Name = name
		// A withdrawn or rejected nomination for the same position keeps its row (one per
		// member and position): nominating again reuses it.
		previous := ""
		for _, o := range own {
			if o.PositionKey == c.PositionKey {
				c.ID, previous = o.ID, string(o.Status)
			}
		}
		pos, _ := e.Definition.Position(c.PositionKey)
		declared := make([]string, 0, len(pos.Declarations))
		declared = append(declared, pos.Declarations...)
		declJSON, err := json.Marshal(declared)
		if err != nil {
			return fmt.Errorf("store: nominate: %w", err)
		}
		action := ActionCandidateNominated
		if c.ID == 0 {
			res, err := tx.ExecContext(ctx, `
				INSERT INTO candidates (election_id, position_key, contact_id, display_name, statement, declarations,
				  co_officer_consent, status, status_reason, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
				e.ID, c.PositionKey, c.ContactID, c.Name, c.Statement, string(declJSON), c.CoOfficershipConsent,
				string(c.Status), now.UTC(), now.UTC())
			if err != nil {
				return fmt.Errorf("store: nominate contact %d for %s: %w", v.ContactID, c.PositionKey, err)
			}
			if c.ID, err = res.LastInsertId(); err != nil {
				return fmt.Errorf("store: nominate contact %d for %s: %w", v.ContactID, c.PositionKey, err)
			}
		} else {
			action = ActionCandidateUpdated
			if _, err := tx.ExecContext(ctx, `
				UPDATE candidates SET display_name = ?, statement = ?, declarations = ?, co_officer_consent = ?,
				  status = ?, status_reason = NULL, updated_at = ?
				WHERE id = ?`,
				c.Name, c.Statement, string(declJSON), c.CoOfficershipConsent, string(c.Status), now.UTC(), c.ID); err != nil {
				return fmt.Errorf("store: update nomination %d: %w", c.ID, err)
			}
		}
		sum := sha256.Sum256([]byte(c.Statement))
		details := map[string]any{"candidate": c.ID, "position": c.PositionKey, "co_officership_consent": c.CoOfficershipConsent,
			"statement_words": election.CountWords(c.Statement), "statement_sha256": hex.EncodeToString(sum[:])}
		if previous != "" {
			details["previous_status"] = previous
		}
		out = c
		return auditMember(ctx, tx, now, memberActor(v.ContactID), action, e.ID, v.ContactID, details)
	})
	if isDuplicate(err) {
		// Only a second row for the same member and position can clash, and the voter lock
		// prevents that; say so plainly if it happens anyway.
		return election.Candidate{}, election.Errorf(election.ErrConflict,
			"Your nomination was changed at the same moment from somewhere else. Reload the page to see it.")
	}
	if err != nil {
		return election.Candidate{}, err
	}
	return out, nil
}

// Withdraw withdraws the member's nomination for the position while nominations are
// open (election.Definition.Withdraw), audited. A member who has lapsed may still
// withdraw: taking their name off the list harms no one.
func (s *DB) Withdraw(ctx context.Context, v *election.Voter, positionKey string, now time.Time) error {
	return s.retryDeadlock(ctx, func(tx *sql.Tx) error {
		e, _, err := lockMember(ctx, tx, v, false)
		if err != nil {
			return err
		}
		own, err := loadCandidates(ctx, tx, e.ID, `contact_id = ? AND position_key = ?`, " FOR UPDATE", v.ContactID, positionKey)
		if err != nil {
			return err
		}
		if len(own) == 0 {
			title := positionKey
			if p, ok := e.Definition.Position(positionKey); ok {
				title = p.Title
			}
			return election.Errorf(election.ErrNotFound, "You have no nomination for %s to withdraw.", title)
		}
		c := own[0]
		previous := c.Status
		if err := e.Definition.Withdraw(e.State, now, &c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE candidates SET status = ?, status_reason = NULL, updated_at = ? WHERE id = ?`,
			string(c.Status), now.UTC(), c.ID); err != nil {
			return fmt.Errorf("store: withdraw nomination %d: %w", c.ID, err)
		}
		return auditMember(ctx, tx, now, memberActor(v.ContactID), ActionCandidateWithdrawn, e.ID, v.ContactID,
			map[string]any{"candidate": c.ID, "position": c.PositionKey, "previous_status": string(previous)})
	})
}

// lockMember starts a member's action through their link: it reads the election again
// (sharing its row lock, so the lifecycle cannot move it on until this transaction ends),
// locks the member's roll entry, which serialises the member's own actions, and checks
// that the link is still theirs and, when standing is set, that they are in good
// standing. It returns the election and the member's registered name.
func lockMember(ctx context.Context, tx *sql.Tx, v *election.Voter, standing bool) (*StoredElection, string, error) {
	e, err := loadElection(ctx, tx, v.Election.Definition.Slug, " LOCK IN SHARE MODE")
	if err != nil {
		return nil, "", err
	}
	var (
		generation int
		revoked    sql.NullTime
	)
	err = tx.QueryRowContext(ctx, `SELECT generation, revoked_at FROM voters WHERE election_id = ? AND contact_id = ? FOR UPDATE`,
		e.ID, v.ContactID).Scan(&generation, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", election.Errorf(election.ErrNotFound,
			"This personal link is not valid for %s. Use the link from your most recent email, or ask the election committee for a new one.", e.Definition.Title)
	}
	if err != nil {
		return nil, "", fmt.Errorf("store: lock voter %d in %s: %w", v.ContactID, e.Definition.Slug, err)
	}
	var (
		name string
		good bool
	)
	err = tx.QueryRowContext(ctx, `SELECT display_name, in_good_standing FROM members WHERE contact_id = ?`, v.ContactID).Scan(&name, &good)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("store: standing of member %d: %w", v.ContactID, err)
	}
	if standing {
		now := election.Voter{Election: &e.Election, ContactID: v.ContactID, InGoodStanding: good}
		if err := now.CheckInGoodStanding(); err != nil {
			return nil, "", err
		}
	}
	if revoked.Valid || generation != v.Generation {
		return nil, "", election.Errorf(election.ErrNotFound,
			"This personal link has been replaced or withdrawn. Use the link from your most recent email, or ask the election committee for a new one.")
	}
	if name == "" {
		name = v.Name
	}
	return e, name, nil
}

// memberActor names a member acting through their personal link in the audit log.
func memberActor(contactID int64) string { return fmt.Sprintf("member:%d", contactID) }

// auditMember is audit for an action concerning one member, so the log can be searched
// by contact.
func auditMember(ctx context.Context, tx *sql.Tx, now time.Time, actor, action string, electionID, contactID int64, details map[string]any) error {
	return writeAudit(ctx, tx, now, actor, action, electionID, sql.NullInt64{Int64: contactID, Valid: true}, details)
}

// isDuplicate reports MySQL's duplicate-key error.
func isDuplicate(err error) bool {
	var myErr *mysql.MySQLError
	return errors.As(err, &myErr) && myErr.Number == mysqlDuplicateKey
}
