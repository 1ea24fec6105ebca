package election

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Definition is an election as its committee defined it in YAML (see Parse), validated
// and with every local time converted to UTC.
type Definition struct {
	// Slug names the election in URLs and commands: lowercase letters, digits and
	// hyphens, at most 64 characters.
	Slug  string
	Title string
	// Timezone is the IANA name of the zone the committee wrote its times in; every
	// time shown to members is shown in it.
	Timezone string
	// Location is Timezone loaded.
	Location *time.Location
	// Nominations and Voting are the windows, in UTC.
	Nominations Window
	Voting      Window
	// RollCloses, when not zero, is the instant after which members who become
	// eligible get no link for this election.
	RollCloses time.Time
	// TenureStarts is the first day in office of everyone elected.
	TenureStarts         Date
	StatementMaxWords    int
	OnePositionPerMember bool
	// ReopenNominations adds "Re-open nominations" (RON) to every position's ballot.
	ReopenNominations bool
	// ChallengedBallots lets members off the roll cast a ballot set apart for the
	// committee to rule on.
	ChallengedBallots bool
	Positions         []Position
}

// Position is one office to be filled.
type Position struct {
	// Key names the position in URLs, forms and commands; unique in the election.
	Key         string
	Title       string
	Description string
	// Seats is how many people the position elects before any co-officership.
	Seats        int
	TenureMonths int
	// CoOfficership lets a one-seat position become two seats when every accepted
	// candidate agrees (see FixSeats).
	CoOfficership bool
	// Declarations are statements a candidate must tick to stand.
	Declarations []string
}

// Window is a period during which something is open: from Opens (inclusive) to
// Closes (exclusive), both UTC. A window written as closing at 23:59 is closed from
// 23:59:00 on, which is what the time printed on the page says.
type Window struct {
	Opens, Closes time.Time
}

// Contains reports whether t falls inside the window.
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Opens) && t.Before(w.Closes)
}

// Position returns the position with the given key.
func (d *Definition) Position(key string) (Position, bool) {
	for _, p := range d.Positions {
		if p.Key == key {
			return p, true
		}
	}
	return Position{}, false
}

// canonical is the part of a definition that matters, in a fixed shape: comments,
// key order, quoting and the spelling of times in the file do not change it.
type canonical struct {
	Version              int                 `json:"v"`
	Slug                 string              `json:"slug"`
	Title                string              `json:"title"`
	Timezone             string              `json:"timezone"`
	NominationsOpens     time.Time           `json:"nominations_opens"`
	NominationsCloses    time.Time           `json:"nominations_closes"`
	VotingOpens          time.Time           `json:"voting_opens"`
	VotingCloses         time.Time           `json:"voting_closes"`
	RollCloses           *time.Time          `json:"roll_closes,omitempty"`
	TenureStarts         string              `json:"tenure_starts"`
	StatementMaxWords    int                 `json:"statement_max_words"`
	OnePositionPerMember bool                `json:"one_position_per_member"`
	ReopenNominations    bool                `json:"reopen_nominations"`
	ChallengedBallots    bool                `json:"challenged_ballots"`
	Positions            []canonicalPosition `json:"positions"`
}

type canonicalPosition struct {
	Key           string   `json:"key"`
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	Seats         int      `json:"seats"`
	TenureMonths  int      `json:"tenure_months"`
	CoOfficership bool     `json:"co_officership"`
	Declarations  []string `json:"declarations"`
}

// Canonical returns the definition as canonical JSON: two files that define the same
// election give the same bytes. It is what Hash digests.
func (d *Definition) Canonical() []byte {
	c := canonical{
		Version:              1,
		Slug:                 d.Slug,
		Title:                d.Title,
		Timezone:             d.Timezone,
		NominationsOpens:     d.Nominations.Opens.UTC(),
		NominationsCloses:    d.Nominations.Closes.UTC(),
		VotingOpens:          d.Voting.Opens.UTC(),
		VotingCloses:         d.Voting.Closes.UTC(),
		TenureStarts:         d.TenureStarts.String(),
		StatementMaxWords:    d.StatementMaxWords,
		OnePositionPerMember: d.OnePositionPerMember,
		ReopenNominations:    d.ReopenNominations,
		ChallengedBallots:    d.ChallengedBallots,
		Positions:            make([]canonicalPosition, len(d.Positions)),
	}
	if !d.RollCloses.IsZero() {
		rc := d.RollCloses.UTC()
		c.RollCloses = &rc
	}
	for i, p := range d.Positions {
		decl := p.Declarations
		if decl == nil {
			decl = []string{}
		}
		c.Positions[i] = canonicalPosition{p.Key, p.Title, p.Description, p.Seats, p.TenureMonths, p.CoOfficership, decl}
	}
	b, err := json.Marshal(c)
	if err != nil {
		// Marshalling strings, ints, bools and UTC times cannot fail.
		panic("election: canonical definition: " + err.Error())
	}
	return b
}

// Hash returns the hex SHA-256 of Canonical, so `election apply` can tell the same
// file applied again (nothing to do) from a changed one.
func (d *Definition) Hash() string {
	sum := sha256.Sum256(d.Canonical())
	return hex.EncodeToString(sum[:])
}
