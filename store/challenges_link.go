package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/civivote/civivote/election"
)

// ActionChallengeLinkIssued is audited when the committee gives a member a challenge link.
const ActionChallengeLinkIssued = "challenge.link_issued"

// IssueChallengeLink records, audited with actor, that the committee gives contact a
// challenge link in election slug (election.ChallengeToken derives it; nothing of it is
// stored). It refuses what the link could not be used for: an election that takes no
// challenged ballots or whose voting is over, a member on the roll (re-issue their
// personal link instead), and a member who has voted or cast a challenged ballot.
func (s *DB) IssueChallengeLink(ctx context.Context, slug string, contactID int64, actor string, now time.Time) (election.Standing, error) {
	var st election.Standing
	err := s.retryDeadlock(ctx, func(tx *sql.Tx) error {
		e, err := loadElection(ctx, tx, slug, " LOCK IN SHARE MODE")
		if err != nil {
			return err
		}
		d := e.Definition
		if !d.ChallengedBallots {
			return election.Errorf(election.ErrWrongState, "election %s does not take challenged ballots: add `challenged_ballots: true` to its definition (before nominations open) to allow them", slug)
		}
		if !e.State.Before(election.VotingClosed) || !now.Before(d.Voting.Closes) {
			return election.Errorf(election.ErrWrongState, "voting in %s has closed (the election is %s): a challenge link could no longer be used", slug, e.State)
		}
		if st, err = standingOf(ctx, tx, &e.Election, contactID, now, ""); err != nil {
			return err
		}
		switch {
		case st.Voted:
			return election.Errorf(election.ErrAlreadyVoted, "contact %d has already voted in %s", contactID, slug)
		case st.Challenge != "":
			return election.Errorf(election.ErrAlreadyVoted, "contact %d has already cast a challenged ballot in %s (%s); `civivote challenges list %s` shows it", contactID, slug, st.Challenge, slug)
		case st.OffRoll == "":
			return election.Errorf(election.ErrConflict, "contact %d is on the roll of %s (or will be when links are next issued), so they vote with their personal link: `civivote tokens reissue %s %d` gives them a new one if they lost it", contactID, slug, slug, contactID)
		}
		return auditMember(ctx, tx, now, actor, ActionChallengeLinkIssued, e.ID, contactID, map[string]any{"off_roll": string(st.OffRoll)})
	})
	return st, err
}
