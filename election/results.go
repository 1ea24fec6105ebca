package election

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// ResultsFormat names the format of results.json.
const ResultsFormat = "civivote-results/1"

// Publication is what `publish` froze: the bytes served at
// /elections/{slug}/results.json and results.csv, their digests, and the signature.
//
// There is no signature of ballots.json of its own: ballots.json is streamed from
// the ballots on every request, and Ed25519 signs a message held whole in memory.
// results.json carries ballots.json's SHA-256 ("ballots_sha256"), so its signature
// covers both: verify the signature of results.json, then check that the SHA-256 of
// ballots.json equals ballots_sha256.
type Publication struct {
	Slug string
	// Revision is 1 for the first publication; republishing after a late ruling on a
	// challenged ballot bumps it.
	Revision    int
	PublishedAt time.Time
	// ResultsJSON is the canonical results.json (format "civivote-results/1").
	ResultsJSON []byte
	ResultsCSV  []byte
	// ResultsSHA256 digests ResultsJSON; BallotsSHA256 digests ballots.json.
	ResultsSHA256, BallotsSHA256 [32]byte
	// ResultsSignature is an Ed25519 detached signature of ResultsJSON; nil when
	// unsigned, as is SigningPublicKey.
	ResultsSignature []byte
	SigningPublicKey ed25519.PublicKey
}

// ResultsInput is everything the published results need.
type ResultsInput struct {
	Election *Election
	// Result is the count after replaying the committee's tie resolutions.
	Result *Result
	// Names maps candidate ids to display names.
	Names map[int64]string
	// Contests are the ballot paper's contests (seats after co-officership).
	Contests      []Contest
	BallotsSHA256 [32]byte
	Challenges    ChallengeCounts
	PublishedAt   time.Time
	Revision      int
}

// ChallengeCounts counts challenged ballots by the committee's ruling.
type ChallengeCounts struct {
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	Open     int `json:"open"`
}

// ResultsDoc is results.json decoded. Candidate ids are written as ChoiceID writes
// them; dates as YYYY-MM-DD; instants in RFC 3339 with the election's UTC offset.
type ResultsDoc struct {
	Format      string          `json:"format"`
	Election    ResultsElection `json:"election"`
	Revision    int             `json:"revision"`
	PublishedAt time.Time       `json:"published_at"`
	Eligible    int             `json:"eligible"`
	BallotsCast int             `json:"ballots_cast"`
	// Turnout is exact, "BALLOTS_CAST/ELIGIBLE"; TurnoutPercent is rounded half up to
	// one decimal, e.g. "31.2%".
	Turnout        string          `json:"turnout"`
	TurnoutPercent string          `json:"turnout_percent"`
	Challenges     ChallengeCounts `json:"challenged_ballots"`
	// BallotsSHA256 is the SHA-256 of ballots.json in lowercase hex.
	BallotsSHA256 string        `json:"ballots_sha256"`
	Positions     []PositionDoc `json:"positions"`
}

// ResultsElection identifies the election in results.json.
type ResultsElection struct {
	Slug         string    `json:"slug"`
	Title        string    `json:"title"`
	Timezone     string    `json:"timezone"`
	VotingOpens  time.Time `json:"voting_opens"`
	VotingCloses time.Time `json:"voting_closes"`
	TenureStarts string    `json:"tenure_starts"`
}

// PositionDoc is one position's published result.
type PositionDoc struct {
	Key               string `json:"key"`
	Title             string `json:"title"`
	Seats             int    `json:"seats"`
	TenureStarts      string `json:"tenure_starts"`
	TenureEnds        string `json:"tenure_ends"`
	ReopenNominations bool   `json:"reopen_nominations"`
	// Candidates are in ballot order.
	Candidates  []CandidateDoc `json:"candidates"`
	RONVotes    int            `json:"ron_votes"`
	Abstentions int            `json:"abstentions"`
	ValidVotes  int            `json:"valid_votes"`
	// Elected lists the elected candidates' ids, most votes first, then those chosen
	// by lot in the order drawn.
	Elected     []string        `json:"elected"`
	RONElected  bool            `json:"ron_elected"`
	EmptySeats  int             `json:"empty_seats"`
	Resolutions []ResolutionDoc `json:"resolutions"`
}

// CandidateDoc is one candidate's published votes.
type CandidateDoc struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Votes   int    `json:"votes"`
	Elected bool   `json:"elected"`
}

// ResolutionDoc is one tie resolved by lot.
type ResolutionDoc struct {
	Winner string   `json:"winner"`
	Tied   []string `json:"tied"`
	Reason string   `json:"reason"`
}

// BuildPublication renders results.json and results.csv from a count whose ties are
// all resolved, and signs results.json when key is not nil. It refuses, changing
// nothing, a count with an open tie or one that does not match the ballot paper.
func BuildPublication(in ResultsInput, key ed25519.PrivateKey) (*Publication, error) {
	doc, err := newResultsDoc(in)
	if err != nil {
		return nil, err
	}
	if key != nil && len(key) != ed25519.PrivateKeySize {
		return nil, Errorf(ErrInvalid, "the results signing key has %d bytes; an Ed25519 private key has %d", len(key), ed25519.PrivateKeySize)
	}
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("election: encode results.json: %w", err)
	}
	csv, err := resultsCSV(doc)
	if err != nil {
		return nil, err
	}
	p := &Publication{
		Slug: doc.Election.Slug, Revision: doc.Revision, PublishedAt: doc.PublishedAt,
		ResultsJSON: js.Bytes(), ResultsCSV: csv,
		ResultsSHA256: sha256.Sum256(js.Bytes()), BallotsSHA256: in.BallotsSHA256,
	}
	if key != nil {
		p.ResultsSignature = ed25519.Sign(key, p.ResultsJSON)
		p.SigningPublicKey = key.Public().(ed25519.PublicKey)
	}
	return p, nil
}

func newResultsDoc(in ResultsInput) (*ResultsDoc, error) {
	if in.Election == nil || in.Election.Definition == nil || in.Result == nil {
		return nil, Errorf(ErrInvalid, "results need an election and its count")
	}
	d := in.Election.Definition
	r := in.Result
	switch {
	case in.Revision < 1:
		return nil, Errorf(ErrInvalid, "results revision %d: the first publication is revision 1", in.Revision)
	case in.PublishedAt.IsZero():
		return nil, Errorf(ErrInvalid, "results need the time of publication")
	case len(in.Contests) != len(r.Positions):
		return nil, Errorf(ErrInvalid, "the count has %d positions but the ballot paper %d; count again", len(r.Positions), len(in.Contests))
	}
	if err := r.CheckPublishable(d.Slug); err != nil {
		return nil, err
	}
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	doc := &ResultsDoc{
		Format: ResultsFormat,
		Election: ResultsElection{
			Slug: d.Slug, Title: d.Title, Timezone: d.Timezone,
			VotingOpens: d.Voting.Opens.In(loc), VotingCloses: d.Voting.Closes.In(loc),
			TenureStarts: d.TenureStarts.String(),
		},
		Revision:    in.Revision,
		PublishedAt: in.PublishedAt.Truncate(time.Second).In(loc),
		Eligible:    r.Eligible, BallotsCast: r.BallotsCast,
		Turnout:        fmt.Sprintf("%d/%d", r.BallotsCast, r.Eligible),
		TurnoutPercent: percent(r.BallotsCast, r.Eligible),
		Challenges:     in.Challenges,
		BallotsSHA256:  hex.EncodeToString(in.BallotsSHA256[:]),
		Positions:      make([]PositionDoc, len(r.Positions)),
	}
	for i, pr := range r.Positions {
		c := in.Contests[i]
		if c.Key != pr.Key || c.Seats != pr.Seats || c.ReopenNominations != pr.ReopenNominations ||
			!slices.EqualFunc(c.Candidates, pr.Candidates, func(id int64, cr CandidateResult) bool { return id == cr.ID }) {
			return nil, Errorf(ErrInvalid, "the count of position %q does not match the ballot paper; count again", pr.Key)
		}
		pos, ok := d.Position(pr.Key)
		if !ok {
			return nil, Errorf(ErrInvalid, "position %q was counted but is not in the election's definition", pr.Key)
		}
		pd := PositionDoc{
			Key: pr.Key, Title: pr.Title, Seats: pr.Seats,
			TenureStarts: d.TenureStarts.String(), TenureEnds: pos.TenureEnd(d.TenureStarts).String(),
			ReopenNominations: pr.ReopenNominations,
			Candidates:        make([]CandidateDoc, len(pr.Candidates)),
			RONVotes:          pr.RONVotes, Abstentions: pr.Abstentions, ValidVotes: pr.ValidVotes,
			Elected:    choiceIDs(pr.Elected),
			RONElected: pr.RONElected, EmptySeats: pr.EmptySeats,
			Resolutions: make([]ResolutionDoc, len(pr.Resolutions)),
		}
		for j, cr := range pr.Candidates {
			name, ok := in.Names[cr.ID]
			if !ok {
				return nil, Errorf(ErrInvalid, "candidate %d for %s has no name to publish", cr.ID, pr.Title)
			}
			pd.Candidates[j] = CandidateDoc{ID: ChoiceID(cr.ID), Name: name, Votes: cr.Votes, Elected: cr.Elected}
		}
		for j, res := range pr.Resolutions {
			pd.Resolutions[j] = ResolutionDoc{Winner: ChoiceID(res.Winner), Tied: choiceIDs(res.Tied), Reason: res.Reason}
		}
		doc.Positions[i] = pd
	}
	return doc, nil
}

func choiceIDs(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = ChoiceID(id)
	}
	return out
}

// percent returns part/whole as a percentage rounded half up to one decimal, in
// integers so every reader gets the same digits.
func percent(part, whole int) string {
	if whole <= 0 {
		return "0.0%"
	}
	tenths := (int64(part)*2000 + int64(whole)) / (2 * int64(whole))
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// ParseResults decodes results.json, refusing anything that is not a well-formed
// "civivote-results/1" document.
func ParseResults(b []byte) (*ResultsDoc, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var doc ResultsDoc
	if err := dec.Decode(&doc); err != nil {
		return nil, Errorf(ErrInvalid, "results.json is not valid: %v", err)
	}
	if dec.More() {
		return nil, Errorf(ErrInvalid, "results.json has data after its document")
	}
	if doc.Format != ResultsFormat {
		return nil, Errorf(ErrInvalid, "results.json has format %q; this version of civivote reads %q", doc.Format, ResultsFormat)
	}
	if _, err := time.LoadLocation(doc.Election.Timezone); err != nil {
		return nil, Errorf(ErrInvalid, "results.json names an unknown time zone %q", doc.Election.Timezone)
	}
	if sum, err := hex.DecodeString(doc.BallotsSHA256); err != nil || len(sum) != sha256.Size {
		return nil, Errorf(ErrInvalid, "results.json: ballots_sha256 %q is not a SHA-256 in hex", doc.BallotsSHA256)
	}
	dates := []string{doc.Election.TenureStarts}
	var ids []string
	for _, p := range doc.Positions {
		dates = append(dates, p.TenureStarts, p.TenureEnds)
		for _, c := range p.Candidates {
			ids = append(ids, c.ID)
		}
		ids = append(ids, p.Elected...)
		for _, res := range p.Resolutions {
			ids = append(append(ids, res.Winner), res.Tied...)
		}
	}
	for _, s := range dates {
		if _, err := ParseDate(s); err != nil {
			return nil, Errorf(ErrInvalid, "results.json: %v", err)
		}
	}
	for _, s := range ids {
		if _, err := ParseChoiceID(s); err != nil {
			return nil, Errorf(ErrInvalid, "results.json: %v", err)
		}
	}
	return &doc, nil
}

// Name returns the display name of a choice in position key ("Re-open nominations"
// for RON), or the id when the position or candidate is unknown.
func (d *ResultsDoc) Name(key string, id int64) string {
	if id == RON {
		return "Re-open nominations"
	}
	s := strconv.FormatInt(id, 10)
	for _, p := range d.Positions {
		if p.Key != key {
			continue
		}
		for _, c := range p.Candidates {
			if c.ID == s {
				return c.Name
			}
		}
	}
	return "candidate " + s
}
