package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/civivote/civivote/election"
)

// paperCache keeps each election's ballot paper once voting has opened, when it no longer
// changes: candidates are decided and seats fixed when nominations close. Casting decodes
// every ballot with it, so caching saves a query per cast. The zero value is ready.
type paperCache struct {
	mu     sync.Mutex
	papers map[int64]*election.BallotPaper
}

func (c *paperCache) get(id int64) *election.BallotPaper {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.papers[id]
}

func (c *paperCache) put(id int64, p *election.BallotPaper) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.papers == nil {
		c.papers = map[int64]*election.BallotPaper{}
	}
	c.papers[id] = p
}

// BallotPaper returns e's ballot paper: every position in definition order, with its
// accepted candidates and its seats as fixed when nominations closed. Pages render and
// encode ballots with it, CastBallot stores them with it and the count reads them back
// with it. From voting_open on the paper is fixed and is read from the database once.
func (s *DB) BallotPaper(ctx context.Context, e *election.Election) (*election.BallotPaper, error) {
	fixed := !e.State.Before(election.VotingOpen)
	if fixed {
		if p := s.papers.get(e.ID); p != nil {
			return p, nil
		}
	}
	cands, err := s.acceptedCandidates(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	seats, err := s.fixedSeats(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	contests := e.Definition.Contests(cands)
	for i, c := range contests {
		// The seats recorded when nominations closed are the ones members were told.
		if n, ok := seats[c.Key]; ok {
			contests[i].Seats = n
		}
	}
	p, err := election.NewBallotPaper(contests)
	if err != nil {
		return nil, fmt.Errorf("store: ballot paper of %s: %w", e.Definition.Slug, err)
	}
	if fixed {
		s.papers.put(e.ID, p)
	}
	return p, nil
}

// acceptedCandidates reads what Definition.Contests needs of the accepted candidates.
func (s *DB) acceptedCandidates(ctx context.Context, electionID int64) ([]election.Candidate, error) {
	rows, err := s.sql.QueryContext(ctx, `
		SELECT id, contact_id, display_name, position_key, co_officer_consent
		FROM candidates WHERE election_id = ? AND status = ?`, electionID, string(election.Accepted))
	if err != nil {
		return nil, fmt.Errorf("store: candidates of election %d: %w", electionID, err)
	}
	defer rows.Close()
	var out []election.Candidate
	for rows.Next() {
		c := election.Candidate{Status: election.Accepted}
		if err := rows.Scan(&c.ID, &c.ContactID, &c.Name, &c.PositionKey, &c.CoOfficershipConsent); err != nil {
			return nil, fmt.Errorf("store: candidates of election %d: %w", electionID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: candidates of election %d: %w", electionID, err)
	}
	return out, nil
}

// fixedSeats returns the seats recorded for each position when nominations closed.
func (s *DB) fixedSeats(ctx context.Context, electionID int64) (map[string]int, error) {
	rows, err := s.sql.QueryContext(ctx, `
		SELECT position_key, fixed_seats FROM positions WHERE election_id = ? AND fixed_seats IS NOT NULL`, electionID)
	if err != nil {
		return nil, fmt.Errorf("store: seats of election %d: %w", electionID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			key string
			n   int
		)
		if err := rows.Scan(&key, &n); err != nil {
			return nil, fmt.Errorf("store: seats of election %d: %w", electionID, err)
		}
		out[key] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: seats of election %d: %w", electionID, err)
	}
	return out, nil
}
