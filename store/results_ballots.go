package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/civivote/civivote/election"
)

// WritePublishedBallots writes ballots.json of election slug to w: every counted ballot
// with its receipt code, in the order of the ballots' random ids, streamed from the
// ballots table (election.WriteBallotsJSON), so memory stays flat whatever the turnout.
// Before publication it is an error of kind election.ErrNotFound. When the ballots no
// longer match what was published (a challenged ballot accepted since, awaiting a
// republication) it refuses with ErrConflict before writing anything, rather than serve
// a file whose digest differs from the published one; and if the bytes it did write do
// not hash to the published digest, it says so in its error.
func (s *DB) WritePublishedBallots(ctx context.Context, slug string, w io.Writer) error {
	e, err := s.GetElection(ctx, slug)
	if err != nil {
		return err
	}
	var (
		want    []byte
		counted int
	)
	err = s.sql.QueryRowContext(ctx, `SELECT ballots_sha256, ballot_count FROM publications WHERE election_id = ?`, e.ID).Scan(&want, &counted)
	if errors.Is(err, sql.ErrNoRows) {
		return election.Errorf(election.ErrNotFound, "the results of %s are not published yet", slug)
	}
	if err != nil {
		return fmt.Errorf("store: ballots.json of %s: %w", slug, err)
	}
	var now int
	if err := s.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM ballots WHERE election_id = ?`, e.ID).Scan(&now); err != nil {
		return fmt.Errorf("store: ballots.json of %s: %w", slug, err)
	}
	if now != counted {
		return election.Errorf(election.ErrConflict, "the ballots of %s have changed since its results were published (%d counted then, %d now, "+
			"after a ruling on a challenged ballot); ballots.json is served again once the committee republishes", slug, counted, now)
	}
	n := 0
	sum, err := election.WriteBallotsJSON(w, slug, publishedBallots(ctx, s.sql, e.ID, &n))
	if err != nil {
		return err
	}
	if !bytes.Equal(sum[:], want) {
		return fmt.Errorf("store: ballots.json of %s hashes to %x, not the published %x: the ballots table changed outside a republication",
			slug, sum, want)
	}
	return nil
}

// publishedBallots streams an election's ballots as ballots.json lists them, in the
// order of their random ids, counting them in n.
func publishedBallots(ctx context.Context, q queryer, electionID int64, n *int) iter.Seq2[election.PublishedBallot, error] {
	return func(yield func(election.PublishedBallot, error) bool) {
		rows, err := q.QueryContext(ctx, `SELECT receipt_code, choices FROM ballots WHERE election_id = ? ORDER BY id`, electionID)
		if err != nil {
			yield(election.PublishedBallot{}, fmt.Errorf("store: ballots of election %d: %w", electionID, err))
			return
		}
		defer rows.Close()
		var js []byte
		for rows.Next() {
			var b election.PublishedBallot
			if err := rows.Scan(&b.Receipt, &js); err != nil {
				yield(election.PublishedBallot{}, fmt.Errorf("store: ballots of election %d: %w", electionID, err))
				return
			}
			if b.Choices, err = storedChoices(js); err != nil {
				yield(election.PublishedBallot{}, fmt.Errorf("store: ballot %s of election %d: %w", b.Receipt, electionID, err))
				return
			}
			*n++
			if !yield(b, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(election.PublishedBallot{}, fmt.Errorf("store: ballots of election %d: %w", electionID, err))
		}
	}
}

// storedChoices reads ballots.choices (see encodeChoices) as election.Choices.
func storedChoices(js []byte) (election.Choices, error) {
	var raw map[string][]string
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, election.Errorf(election.ErrInvalid, "stored choices are not a JSON object of lists: %v", err)
	}
	c := make(election.Choices, len(raw))
	for key, list := range raw {
		ids := make([]int64, len(list))
		for i, choice := range list {
			id, err := election.ParseChoiceID(choice)
			if err != nil {
				return nil, err
			}
			ids[i] = id
		}
		c[key] = ids
	}
	return c, nil
}

// PublishedBallot returns the choices of the counted ballot with receipt code receipt in
// election slug (typed as a voter types it: any case, hyphens optional), so a voter can
// check that their ballot was counted as cast. An unpublished election, a malformed code
// and a code no counted ballot has are all errors of kind election.ErrNotFound or
// ErrInvalid.
func (s *DB) PublishedBallot(ctx context.Context, slug, receipt string) (election.Choices, error) {
	code, err := election.ParseReceiptCode(receipt)
	if err != nil {
		return nil, err
	}
	e, err := s.GetElection(ctx, slug)
	if err != nil {
		return nil, err
	}
	var js []byte
	err = s.sql.QueryRowContext(ctx, `
		SELECT b.choices FROM publications p JOIN ballots b ON b.election_id = p.election_id
		WHERE p.election_id = ? AND b.receipt_code = ?`, e.ID, code).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		if _, perr := publicationOf(ctx, s.sql, e, ""); perr != nil {
			return nil, perr
		}
		return nil, election.Errorf(election.ErrNotFound, "no counted ballot in %s has receipt code %s; check the code on your receipt", slug, code)
	}
	if err != nil {
		return nil, fmt.Errorf("store: receipt %s in %s: %w", code, slug, err)
	}
	return storedChoices(js)
}
