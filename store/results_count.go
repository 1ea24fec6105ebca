package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/civivote/civivote/election"
)

// Count is an election's count as the committee sees it: the result with the recorded
// decisions by lot replayed, the candidates' names, and what open challenges could change.
type Count struct {
	Election *election.Election
	StoredID int64
	Paper    *election.BallotPaper
	// Result is election.Tally over the stored ballots, with the recorded tie
	// resolutions replayed in order.
	Result *election.Result
	// Names maps each accepted candidate's id to their name.
	Names map[int64]string
	// Resolutions are the recorded decisions by lot that the count replayed, in order.
	Resolutions []TieResolution
	// Void are recorded decisions that no longer apply because the tie they settled has
	// changed (a ruling on a challenged ballot moved the votes): the committee draws again.
	Void []TieResolution
	// Challenges counts the challenged ballots by ruling.
	Challenges election.ChallengeCounts
	// CouldChange lists the keys of the positions whose outcome the open challenged
	// ballots could still change (election.Result.ChallengesCouldChange).
	CouldChange []string
}

// Count counts election slug from its stored ballots (election.Tally), eligible being
// the members on its roll, and replays the committee's recorded decisions by lot. It is
// possible once voting has closed; before that it returns an error of kind
// election.ErrWrongState that says when voting closes.
func (s *DB) Count(ctx context.Context, slug string) (*Count, error) {
	e, err := s.GetElection(ctx, slug)
	if err != nil {
		return nil, err
	}
	return s.count(ctx, s.sql, e)
}

// count is Count read through q, so Publish counts and hashes in one snapshot.
func (s *DB) count(ctx context.Context, q queryer, e *StoredElection) (*Count, error) {
	if err := s.checkCountable(e); err != nil {
		return nil, err
	}
	paper, err := s.BallotPaper(ctx, &e.Election)
	if err != nil {
		return nil, err
	}
	eligible, err := rollSize(ctx, q, e)
	if err != nil {
		return nil, err
	}
	var readErr error
	ballots := func(yield func(election.Ballot) bool) {
		for b, err := range ballotsOf(ctx, q, e.ID, paper) {
			if err != nil {
				readErr = err
				return
			}
			if !yield(b) {
				return
			}
		}
	}
	res, err := election.Tally(paper, ballots, eligible)
	if readErr != nil {
		return nil, readErr
	}
	if err != nil {
		return nil, fmt.Errorf("store: count %s: %w", e.Definition.Slug, err)
	}
	c := &Count{Election: &e.Election, StoredID: e.ID, Paper: paper, Result: res}
	if c.Names, err = candidateNames(ctx, q, e.ID); err != nil {
		return nil, err
	}
	recorded, err := tieResolutions(ctx, q, e.ID)
	if err != nil {
		return nil, err
	}
	for _, tr := range recorded {
		if tr.appliesTo(res) && res.ResolveTie(tr.Position, tr.Winner, tr.Reason) == nil {
			c.Resolutions = append(c.Resolutions, tr)
		} else {
			c.Void = append(c.Void, tr)
		}
	}
	if c.Challenges, err = s.OpenChallenges(ctx, e.ID); err != nil {
		return nil, err
	}
	c.CouldChange = res.ChallengesCouldChange(c.Challenges.Open)
	return c, nil
}

// checkCountable refuses to count before the ballot box is closed: a count while votes
// still arrive would leak a running result.
func (s *DB) checkCountable(e *StoredElection) error {
	if !e.State.Before(election.VotingClosed) {
		return nil
	}
	d := e.Definition
	closes := d.FormatTime(d.Voting.Closes)
	if e.State == election.VotingOpen && !s.now().Before(d.Voting.Closes) {
		return election.Errorf(election.ErrWrongState, "voting in %s closed at %s, but the ballot box is not closed yet: "+
			"the lifecycle job closes it within its schedule (or `civivote election advance %s --reason TEXT` closes it now); count after that",
			d.Slug, closes, d.Slug)
	}
	return election.Errorf(election.ErrWrongState, "%s is %s: the count is possible only after voting closes at %s; "+
		"until then `civivote election show %s` gives the turnout", d.Slug, e.State, closes, d.Slug)
}

// rollSize is the number of members eligible to vote: everyone on the roll who voted or
// still holds a live link in good standing, as Turnout counts them; after a purge, the
// number kept in the publication.
func rollSize(ctx context.Context, q queryer, e *StoredElection) (int, error) {
	kept, purged, err := purgedTurnout(ctx, q, e)
	if err != nil {
		return 0, err
	}
	if purged {
		return kept.Eligible, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM voters v LEFT JOIN members m ON m.contact_id = v.contact_id
		WHERE v.election_id = ? AND (v.voted OR (v.revoked_at IS NULL AND m.in_good_standing))`,
		e.ID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: roll of %s: %w", e.Definition.Slug, err)
	}
	return n, nil
}

// candidateNames maps the accepted candidates of an election to their names.
func candidateNames(ctx context.Context, q queryer, electionID int64) (map[int64]string, error) {
	cands, err := loadCandidates(ctx, q, electionID, `status = ?`, "", string(election.Accepted))
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(cands))
	for _, c := range cands {
		names[c.ID] = c.Name
	}
	return names, nil
}

// Name returns the name of a choice on the ballot: a candidate's name, or "Re-open
// nominations".
func (c *Count) Name(id int64) string {
	if id == election.RON {
		return "Re-open nominations"
	}
	if n, ok := c.Names[id]; ok {
		return n
	}
	return fmt.Sprintf("candidate %d", id)
}

// appliesTo reports whether the tie this decision settled is still open as it was when
// the lot was drawn: same contenders, same votes.
func (tr TieResolution) appliesTo(r *election.Result) bool {
	pr := r.Position(tr.Position)
	if pr == nil || pr.Tie == nil || pr.Tie.Votes != tr.Votes || len(pr.Tie.Candidates) != len(tr.Tied) {
		return false
	}
	for _, id := range tr.Tied {
		if !slices.Contains(pr.Tie.Candidates, id) {
			return false
		}
	}
	return true
}
