package store

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strconv"

	"github.com/civivote/civivote/election"
)

// Ballots returns an election's stored ballots in the order of their random ids (an
// order that says nothing of who cast them or when), decoded against paper, for
// election.Tally. It streams them: memory stays bounded whatever the turnout. The
// sequence stops at the first error, which it yields with a zero Ballot.
func (s *DB) Ballots(ctx context.Context, electionID int64, paper *election.BallotPaper) iter.Seq2[election.Ballot, error] {
	return ballotsOf(ctx, s.sql, electionID, paper)
}

// ballotsOf is Ballots read through q: the pool, or a transaction whose snapshot the
// count and the hash of ballots.json must share.
func ballotsOf(ctx context.Context, q queryer, electionID int64, paper *election.BallotPaper) iter.Seq2[election.Ballot, error] {
	return func(yield func(election.Ballot, error) bool) {
		rows, err := q.QueryContext(ctx, `SELECT id, choices FROM ballots WHERE election_id = ? ORDER BY id`, electionID)
		if err != nil {
			yield(election.Ballot{}, fmt.Errorf("store: read ballots of election %d: %w", electionID, err))
			return
		}
		defer rows.Close()
		var id, js []byte
		for rows.Next() {
			if err := rows.Scan(&id, &js); err != nil {
				yield(election.Ballot{}, fmt.Errorf("store: read ballots of election %d: %w", electionID, err))
				return
			}
			b, err := decodeChoices(paper, js)
			if err != nil {
				yield(election.Ballot{}, fmt.Errorf("store: ballot %x of election %d: %w", id, electionID, err))
				return
			}
			if !yield(b, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(election.Ballot{}, fmt.Errorf("store: read ballots of election %d: %w", electionID, err))
		}
	}
}

// decodeChoices reads ballots.choices back against paper (see encodeChoices).
func decodeChoices(paper *election.BallotPaper, js []byte) (election.Ballot, error) {
	var (
		b       election.Ballot
		choices map[string][]string
	)
	if err := json.Unmarshal(js, &choices); err != nil {
		return b, election.Errorf(election.ErrInvalid, "stored choices are not a JSON object of lists: %v", err)
	}
	for key, list := range choices {
		for _, choice := range list {
			var err error
			if b, err = appendStoredChoice(paper, b, key, choice); err != nil {
				return b, err
			}
		}
	}
	return b, nil
}

// appendStoredChoice reads one ballot_choices row back into b.
func appendStoredChoice(paper *election.BallotPaper, b election.Ballot, key, choice string) (election.Ballot, error) {
	id := election.RON
	if choice != election.RONFormValue {
		var err error
		if id, err = strconv.ParseInt(choice, 10, 64); err != nil || id <= 0 {
			return b, election.Errorf(election.ErrInvalid, "stored choice %q for %q is neither a candidate id nor %s", choice, key, election.RONFormValue)
		}
	}
	return paper.AppendChoice(b, key, id)
}

// ReceiptCodes returns the receipt codes of an election's counted ballots in alphabetical
// order, for the published list in which each voter finds theirs.
func (s *DB) ReceiptCodes(ctx context.Context, electionID int64) ([]string, error) {
	rows, err := s.sql.QueryContext(ctx, `
		SELECT receipt_code FROM ballots WHERE election_id = ? ORDER BY receipt_code`, electionID)
	if err != nil {
		return nil, fmt.Errorf("store: receipt codes of election %d: %w", electionID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, fmt.Errorf("store: receipt codes of election %d: %w", electionID, err)
		}
		out = append(out, code)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: receipt codes of election %d: %w", electionID, err)
	}
	return out, nil
}
