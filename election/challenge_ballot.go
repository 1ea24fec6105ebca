package election

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Challenged ballots.
//
// Where a definition sets challenged_ballots, a member whom the roll does not list as
// eligible may still vote, after saying why they should count. Their ballot is set apart
// from the count, linked to them only while the committee has not ruled (the outer
// envelope of a postal ballot). An accepted ballot joins the count with no link to them;
// a rejected one is destroyed. Either way the member has had their one ballot.

// OffRoll says why the roll does not list a member as eligible.
type OffRoll string

// The reasons a member can be off the roll.
const (
	// OffRollLapsed: the member has a link on the roll, but the latest sync does not count
	// them in good standing (their link was revoked, or is about to be).
	OffRollLapsed OffRoll = "lapsed"
	// OffRollJoinedLate: the member is in good standing but became eligible at or after
	// roll_closes, so they got no link.
	OffRollJoinedLate OffRoll = "joined_late"
	// OffRollNotOnRoll: the member has no link and is not a member in good standing (as far
	// as the roster knows), or the roll has not reached them yet.
	OffRollNotOnRoll OffRoll = "not_on_roll"
)

// Describe says in words what the roll shows, for the committee and the member.
func (o OffRoll) Describe() string {
	switch o {
	case OffRollLapsed:
		return "not in good standing according to the membership records (lapsed)"
	case OffRollJoinedLate:
		return "joined after the roll closed"
	case OffRollNotOnRoll:
		return "not on the roll"
	}
	return string(o)
}

// ChallengeStatus is where a challenged ballot stands.
type ChallengeStatus string

// The statuses of a challenged ballot.
const (
	ChallengeOpen     ChallengeStatus = "open"
	ChallengeAccepted ChallengeStatus = "accepted"
	ChallengeRejected ChallengeStatus = "rejected"
)

// Challenge is a challenged ballot as the committee sees it: who cast it, why the roll
// left them off and why they say they should count, and the ruling. Never the choices.
type Challenge struct {
	ID        int64
	ContactID int64
	// Name is the member's display name as the roster mirrors it ("" when the roster does
	// not know the contact).
	Name      string
	OffRoll   OffRoll
	Reason    string
	Status    ChallengeStatus
	CreatedAt time.Time
	// RuledAt is zero while the challenge is open.
	RuledAt time.Time
}

// Standing is what the roll and the challenged ballots say of one member in one election.
type Standing struct {
	// OffRoll is empty when the roll lists the member as eligible to vote.
	OffRoll OffRoll
	// Voted says the member has cast a ballot through their personal link.
	Voted bool
	// Challenge is the status of the member's challenged ballot, empty when they cast none.
	Challenge ChallengeStatus
}

// MaxChallengeReason is the longest reason a member may give, in characters.
const MaxChallengeReason = 1000

// CheckChallengesAllowed returns nil when the election takes challenged ballots now: the
// definition allows them and voting is open.
func (e *Election) CheckChallengesAllowed(now time.Time) error {
	if !e.Definition.ChallengedBallots {
		return Errorf(ErrWrongState, "%s does not take challenged ballots: only members on the roll can vote. "+
			"If you think you should be on the roll, contact the election committee.", e.Definition.Title)
	}
	return e.CheckVotingOpen(now)
}

// CheckChallenge returns nil when a member of standing st may cast a challenged ballot:
// they are off the roll and have cast no ballot of either kind.
func (st Standing) CheckChallenge(e *Election) error {
	switch {
	case st.Voted:
		return Errorf(ErrAlreadyVoted, "You have already voted in %s. Each member votes once, so nothing else was recorded.",
			e.Definition.Title)
	case st.Challenge != "":
		return Errorf(ErrAlreadyVoted, "You have already cast a challenged ballot in %s. Each member votes once, "+
			"so nothing else was recorded; the election committee rules on the ballot you cast.", e.Definition.Title)
	case st.OffRoll == "":
		return Errorf(ErrConflict, "You are on the roll of %s, so you vote with an ordinary ballot through your personal link, "+
			"not a challenged one. Use the link from the election email.", e.Definition.Title)
	}
	return nil
}

// CheckChallengeReason returns the member's reason trimmed, or a FormError on the field
// "reason" when it is empty or longer than MaxChallengeReason characters.
func CheckChallengeReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case !utf8.ValidString(reason):
		return "", &FormError{Problems: []FieldError{{Field: "reason", Message: "Enter your reason again: it contains characters that are not text."}}}
	case n == 0:
		return "", &FormError{Problems: []FieldError{{Field: "reason",
			Message: "Enter why you think your vote should count, for example when you paid your dues."}}}
	case n > MaxChallengeReason:
		return "", &FormError{Problems: []FieldError{{Field: "reason",
			Message: "Shorten your reason to " + strconv.Itoa(MaxChallengeReason) + " characters or fewer (it has " + strconv.Itoa(n) + ")."}}}
	}
	return reason, nil
}
