package outbox

// ElectionKeyPrefixes are the dedupe-key prefixes of every item queued for one election:
// its members' links, their adds to and removals from the election's two groups, and its
// officers' relationships (the write-back). The store counts an election's backlog by these
// prefixes, which its unique index on the key serves.
func ElectionKeyPrefixes(slug string) []string {
	voters, notVoted := groupName(slug, ""), groupName(slug, "_not_voted")
	return []string{
		"link:" + slug + ":",
		"group-add:" + voters + ":", "group-remove:" + voters + ":",
		"group-add:" + notVoted + ":", "group-remove:" + notVoted + ":",
		WritebackKeyPrefix(slug),
	}
}

// Counts is how many items of a scope are in each state.
type Counts struct {
	Pending    int // waiting for CiviCRM (retries included)
	Failed     int // refused for good until an admin retries them
	Delivered  int // confirmed by CiviCRM
	Superseded int // replaced by a newer write of the same thing before delivery
}

// Add returns the sum of c and o.
func (c Counts) Add(o Counts) Counts {
	return Counts{Pending: c.Pending + o.Pending, Failed: c.Failed + o.Failed,
		Delivered: c.Delivered + o.Delivered, Superseded: c.Superseded + o.Superseded}
}
