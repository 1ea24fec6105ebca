package election

// Voter is a member on an election's roll, reached through their personal link: what the
// member pages need to know about whoever holds the link. The store finds it by the
// SHA-256 of the link's token; a revoked or replaced link finds nothing.
type Voter struct {
	Election *Election
	// ContactID is the member's CiviCRM contact id.
	ContactID int64
	// Name is the member's display name as the roster mirrors it.
	Name string
	// Generation is the link's generation; re-issuing a link bumps it.
	Generation int
	// InGoodStanding says whether the latest successful roster sync (or a committee
	// override) counts the member as in good standing. A member who lapsed keeps their
	// link row but may not nominate or vote until they are in good standing again.
	InGoodStanding bool
	// Voted says whether the member has cast their ballot in this election.
	Voted bool
}

// CheckInGoodStanding returns nil when v may take part, otherwise an ErrWrongState error
// that tells the member why not and what to do.
func (v *Voter) CheckInGoodStanding() error {
	if v.InGoodStanding {
		return nil
	}
	return Errorf(ErrWrongState, "Our records show your membership is not in good standing, so you cannot take part in %s. "+
		"If you have paid your dues recently, contact your membership administrator: the roll is updated from CiviCRM regularly.",
		v.Election.Definition.Title)
}
