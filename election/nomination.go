package election

import (
	"errors"
	"time"
)

// CandidateStatus is where a nomination stands. The values are stored: never change
// them.
type CandidateStatus string

// Candidate statuses. A member's nomination starts pending; the committee accepts or
// rejects it (with a reason); the member may withdraw it while nominations are open.
const (
	Pending   CandidateStatus = "pending"
	Accepted  CandidateStatus = "accepted"
	Rejected  CandidateStatus = "rejected"
	Withdrawn CandidateStatus = "withdrawn"
)

// Candidate is a member's nomination of themselves for one position.
type Candidate struct {
	ID        int64
	ContactID int64
	// Name is the member's name as registered, for ballots and results.
	Name        string
	PositionKey string
	// Statement is normalised plain text (see NormalizeStatement).
	Statement string
	// CoOfficershipConsent records that the candidate agrees to share the position as
	// co-officers if elected in the top two; only possible where the position allows it.
	CoOfficershipConsent bool
	Status               CandidateStatus
	// RejectionReason is the committee's reason, shown to the candidate.
	RejectionReason string
}

// Active reports whether the nomination still stands (pending or accepted).
func (c Candidate) Active() bool { return c.Status == Pending || c.Status == Accepted }

// Nomination is what a member submits through their personal link. There is
// deliberately no field naming the nominee: members nominate only themselves, so the
// candidate is always the member whose link it is.
type Nomination struct {
	PositionKey string
	Statement   string
	// Declarations says, for each of the position's declarations in order, whether the
	// member ticked it.
	Declarations []bool
	// CoOfficership is the member's consent to a co-officership.
	CoOfficership bool
}

// Nominate checks member's nomination n and returns the candidate to store: new, or
// the member's existing nomination for the same position updated and back to pending
// so the committee reviews the new statement. own holds the member's existing
// candidacies in this election. The caller checks that the member is in good
// standing. Errors: ErrWindowClosed outside the nominations window, *FormError
// (ErrInvalid) listing every problem with the form, ErrConflict when the member
// already stands for another position and may stand for only one.
func (d *Definition) Nominate(state State, now time.Time, member int64, own []Candidate, n Nomination) (Candidate, error) {
	if err := d.nominationsOpen(state, now); err != nil {
		return Candidate{}, err
	}
	pos, ok := d.Position(n.PositionKey)
	if !ok {
		return Candidate{}, &FormError{Problems: []FieldError{{"position", "Choose one of the positions listed."}}}
	}
	c := Candidate{ContactID: member, PositionKey: pos.Key}
	for _, o := range own {
		if !o.Active() {
			continue
		}
		if o.PositionKey == pos.Key {
			c = o
			continue
		}
		if d.OnePositionPerMember {
			other, _ := d.Position(o.PositionKey)
			return Candidate{}, Errorf(ErrConflict,
				"You are already standing for %s, and each member may stand for only one position. "+
					"Withdraw that nomination first if you want to stand for %s instead.", other.Title, pos.Title)
		}
	}

	var problems formProblems
	statement, err := NormalizeStatement(n.Statement, d.StatementMaxWords)
	var fe *FormError
	if errors.As(err, &fe) {
		problems = append(problems, fe.Problems...)
	}
	if len(n.Declarations) != len(pos.Declarations) {
		problems.add("declarations", "The form did not match the declarations for %s. Reload the page and try again.", pos.Title)
	} else {
		for i, ticked := range n.Declarations {
			if !ticked {
				problems.add("declarations", "To stand for %s you must confirm: %q", pos.Title, pos.Declarations[i])
			}
		}
	}
	if n.CoOfficership && !pos.CoOfficership {
		problems.add("co_officership", "%s cannot be held as a co-officership. Reload the page and try again.", pos.Title)
	}
	if err := problems.err(); err != nil {
		return Candidate{}, err
	}

	c.Statement = statement
	c.CoOfficershipConsent = n.CoOfficership
	c.Status = Pending
	c.RejectionReason = ""
	return c, nil
}

// Withdraw withdraws a member's own nomination; possible while nominations are open.
func (d *Definition) Withdraw(state State, now time.Time, c *Candidate) error {
	if err := d.nominationsOpen(state, now); err != nil {
		return err
	}
	if !c.Active() {
		return Errorf(ErrConflict, "This nomination is already %s.", c.Status)
	}
	c.Status = Withdrawn
	return nil
}

// nominationsOpen requires both the state and the server clock: the state because
// links are issued on entering it, the clock so nominations close on the minute even
// if the scheduler is a little late.
func (d *Definition) nominationsOpen(state State, now time.Time) error {
	switch {
	case now.Before(d.Nominations.Opens) || state == Draft:
		return Errorf(ErrWindowClosed, "Nominations are not open yet. They open on %s.", d.FormatTime(d.Nominations.Opens))
	case state != NominationsOpen || !d.Nominations.Contains(now):
		return Errorf(ErrWindowClosed, "Nominations closed on %s.", d.FormatTime(d.Nominations.Closes))
	}
	return nil
}

// Accept records the committee's acceptance. Decisions are possible while
// nominations are open and after they close until voting opens, when the ballot is
// fixed; the caller re-fixes seats (FixSeats) after each decision.
func (c *Candidate) Accept(state State) error {
	if err := c.decidable(state); err != nil {
		return err
	}
	c.Status, c.RejectionReason = Accepted, ""
	return nil
}

// Reject records the committee's rejection with its reason, which the candidate sees.
func (c *Candidate) Reject(state State, reason string) error {
	if err := c.decidable(state); err != nil {
		return err
	}
	if reason == "" {
		return Errorf(ErrInvalid, "give the reason for rejecting %s; the candidate will see it", c.Name)
	}
	c.Status, c.RejectionReason = Rejected, reason
	return nil
}

func (c *Candidate) decidable(state State) error {
	if state != NominationsOpen && state != NominationsClosed {
		return Errorf(ErrWrongState, "candidates can be accepted or rejected only between nominations opening and voting opening; the election is %s", state)
	}
	if c.Status == Withdrawn {
		return Errorf(ErrConflict, "%s has withdrawn this nomination", c.Name)
	}
	return nil
}
