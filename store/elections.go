package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/go-sql-driver/mysql"
)

// Audit actions written by the election commands.
const (
	ActionElectionCreated  = "election.created"
	ActionElectionUpdated  = "election.updated"
	ActionElectionAdvanced = "election.advanced"
)

// StoredElection is an election as stored: the domain's view plus what the committee's
// views show about the stored file.
type StoredElection struct {
	election.Election
	// Hash is the hex SHA-256 of the definition's canonical form (Definition.Hash).
	Hash string
	// Source is the definition file's text as applied.
	Source    []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// mysqlDuplicateKey is MySQL's error number for a duplicate unique key.
const mysqlDuplicateKey = 1062

// ApplyElection stores def (parsed from source) under its slug, as `election apply` does:
// it creates the election as a draft, replaces a draft's definition and positions, or does
// nothing when the same definition was applied before. Changes after nominations open are
// refused with election.ErrWrongState. Each create or update is written to the audit log
// with actor, in the same transaction.
func (s *DB) ApplyElection(ctx context.Context, def *election.Definition, source []byte, actor string, now time.Time) (election.Change, error) {
	var change election.Change
	err := s.retryDeadlock(ctx, func(tx *sql.Tx) error {
		// The row lock serialises applies of an existing election; two creates of a new slug
		// meet at the unique key instead (error 1062, below).
		cur, err := loadElection(ctx, tx, def.Slug, " FOR UPDATE")
		if err != nil && !errors.Is(err, election.ErrNotFound) {
			return err
		}
		var existing *election.Definition
		state := election.Draft
		if cur != nil {
			existing, state = cur.Definition, cur.State
		}
		change, err = election.PlanApply(existing, state, def)
		if err != nil || change == election.Unchanged {
			return err
		}
		id, err := writeElection(ctx, tx, cur, def, source, now)
		if err != nil {
			return err
		}
		if err := writePositions(ctx, tx, id, def); err != nil {
			return err
		}
		action := ActionElectionCreated
		if change == election.Update {
			action = ActionElectionUpdated
		}
		return audit(ctx, tx, now, actor, action, id, map[string]any{"hash": def.Hash(), "positions": len(def.Positions)})
	})
	var myErr *mysql.MySQLError
	if errors.As(err, &myErr) && myErr.Number == mysqlDuplicateKey {
		return 0, election.Errorf(election.ErrConflict,
			"election %s was created by another process at the same moment; run the command again to see whether it matches your file", def.Slug)
	}
	if err != nil {
		return 0, err
	}
	return change, nil
}

func writeElection(ctx context.Context, tx *sql.Tx, cur *StoredElection, def *election.Definition, source []byte, now time.Time) (int64, error) {
	hash, err := hex.DecodeString(def.Hash())
	if err != nil {
		return 0, fmt.Errorf("store: election %s: hash: %w", def.Slug, err)
	}
	var roll any
	if !def.RollCloses.IsZero() {
		roll = def.RollCloses.UTC()
	}
	args := []any{def.Title, def.Timezone, string(source), hash,
		def.Nominations.Opens.UTC(), def.Nominations.Closes.UTC(), def.Voting.Opens.UTC(), def.Voting.Closes.UTC(),
		roll, def.TenureStarts.String(), now.UTC()}
	if cur == nil {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO elections (title, timezone, definition, definition_hash, nominations_opens_at,
			  nominations_close_at, voting_opens_at, voting_closes_at, roll_closes_at, tenure_starts,
			  updated_at, slug, state, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(args, def.Slug, string(election.Draft), now.UTC())...)
		if err != nil {
			return 0, fmt.Errorf("store: create election %s: %w", def.Slug, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return 0, fmt.Errorf("store: create election %s: %w", def.Slug, err)
		}
		return id, nil
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE elections SET title = ?, timezone = ?, definition = ?, definition_hash = ?,
		  nominations_opens_at = ?, nominations_close_at = ?, voting_opens_at = ?, voting_closes_at = ?,
		  roll_closes_at = ?, tenure_starts = ?, updated_at = ?
		WHERE id = ?`, append(args, cur.ID)...); err != nil {
		return 0, fmt.Errorf("store: update election %s: %w", def.Slug, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM positions WHERE election_id = ?`, cur.ID); err != nil {
		return 0, fmt.Errorf("store: update election %s: clear positions: %w", def.Slug, err)
	}
	return cur.ID, nil
}

func writePositions(ctx context.Context, tx *sql.Tx, id int64, def *election.Definition) error {
	for i, p := range def.Positions {
		decl := p.Declarations
		if decl == nil {
			decl = []string{}
		}
		declJSON, err := json.Marshal(decl)
		if err != nil {
			return fmt.Errorf("store: election %s: position %s: %w", def.Slug, p.Key, err)
		}
		var desc any
		if p.Description != "" {
			desc = p.Description
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO positions (election_id, position_key, sort_order, title, description, seats,
			  tenure_months, co_officership, declarations)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, p.Key, i, p.Title, desc, p.Seats, p.TenureMonths, p.CoOfficership, string(declJSON)); err != nil {
			return fmt.Errorf("store: election %s: position %s: %w", def.Slug, p.Key, err)
		}
	}
	return nil
}

func audit(ctx context.Context, tx *sql.Tx, now time.Time, actor, action string, electionID int64, details map[string]any) error {
	return writeAudit(ctx, tx, now, actor, action, electionID, sql.NullInt64{}, details)
}

// writeAudit appends one audit_log row; contactID is set for actions on one member, so the
// log can be searched by contact.
func writeAudit(ctx context.Context, tx *sql.Tx, now time.Time, actor, action string, electionID int64, contactID sql.NullInt64, details map[string]any) error {
	js, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("store: audit %s: %w", action, err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO audit_log (at, actor, action, election_id, contact_id, details) VALUES (?, ?, ?, ?, ?, ?)`,
		now.UTC(), actor, action, electionID, contactID, string(js)); err != nil {
		return fmt.Errorf("store: audit %s: %w", action, err)
	}
	return nil
}

// retryDeadlock runs fn in a transaction, again after a deadlock. Two first applies of one
// slug both lock the gap where its row would go, then both insert, and InnoDB kills one;
// that one is rolled back whole, and running it again finds the winner's row.
func (s *DB) retryDeadlock(ctx context.Context, fn func(*sql.Tx) error) error {
	var err error
	for range 5 {
		if err = s.Transact(ctx, fn); !retryable(err) {
			return err
		}
	}
	return err
}

// queryer is what loadElection reads through: the pool or a transaction.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const electionColumns = `SELECT id, slug, state, definition, definition_hash, created_at, updated_at FROM elections`

type rowScanner interface{ Scan(dest ...any) error }

// scanElection reads one row of electionColumns and re-parses the stored file, so the
// domain's rules always see exactly the definition that was applied.
func scanElection(row rowScanner) (*StoredElection, error) {
	var (
		e     StoredElection
		slug  string
		state string
		hash  []byte
	)
	if err := row.Scan(&e.ID, &slug, &state, &e.Source, &hash, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return nil, err
	}
	st, err := election.ParseState(state)
	if err != nil {
		return nil, fmt.Errorf("store: election %s: %w", slug, err)
	}
	def, err := election.Parse(bytes.NewReader(e.Source), "stored definition of "+slug)
	if err != nil {
		return nil, fmt.Errorf("store: election %s: the stored definition no longer parses: %w", slug, err)
	}
	e.State, e.Definition, e.Hash = st, def, hex.EncodeToString(hash)
	return &e, nil
}

func loadElection(ctx context.Context, q queryer, slug, lock string) (*StoredElection, error) {
	e, err := scanElection(q.QueryRowContext(ctx, electionColumns+` WHERE slug = ?`+lock, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, election.Errorf(election.ErrNotFound, "there is no election %q; `civivote election list` shows those there are", slug)
	}
	if err != nil {
		return nil, fmt.Errorf("store: load election %s: %w", slug, err)
	}
	return e, nil
}

// GetElection returns the election stored under slug, or an error of kind
// election.ErrNotFound.
func (s *DB) GetElection(ctx context.Context, slug string) (*StoredElection, error) {
	return loadElection(ctx, s.sql, slug, "")
}

// ListElections returns every election, the latest voting first.
func (s *DB) ListElections(ctx context.Context) ([]*StoredElection, error) {
	rows, err := s.sql.QueryContext(ctx, electionColumns+` ORDER BY voting_opens_at DESC, slug`)
	if err != nil {
		return nil, fmt.Errorf("store: list elections: %w", err)
	}
	defer rows.Close()
	var out []*StoredElection
	for rows.Next() {
		e, err := scanElection(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list elections: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list elections: %w", err)
	}
	return out, nil
}

// AdvanceElection moves the election one state on at the committee's request (see
// election.ManualAdvance) and records who, why, and from and to which state in the audit
// log. The step runs the same entry effects as a scheduled one (see AdvanceDue): links are
// issued with lc when nominations or voting open, seats fixed when nominations close. It
// returns the new state.
func (s *DB) AdvanceElection(ctx context.Context, slug, reason string, lc LinkConfig, actor string, now time.Time) (election.State, error) {
	tr, _, err := s.advanceTo(ctx, slug, lc, now, func(cur *StoredElection) (election.State, string, error) {
		// The steps after the close have their own commands, which check the count.
		switch cur.State {
		case election.VotingClosed:
			return "", "", election.Errorf(election.ErrWrongState, "voting in %s has closed: check the count with `civivote tally %s`, "+
				"then publish with `civivote publish %s`", slug, slug, slug)
		case election.ResultsPublished:
			return "", "", election.Errorf(election.ErrWrongState, "the results of %s are published: to record the elected officers "+
				"in CiviCRM use `civivote writeback %s`", slug, slug)
		}
		next, err := election.ManualAdvance(cur.State, reason)
		return next, reason, err
	}, actor)
	if tr.To == "" {
		return "", err
	}
	return tr.To, err
}
