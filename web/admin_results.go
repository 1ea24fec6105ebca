package web

import (
	"context"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
)

// ResultsAdmin is the committee's side of the count over the admin API: the tally with
// its ties and challenges, the decisions by lot, publication, the audit log and the purge
// after retention. It is an interface so the API can be tested without a database;
// cmd/civivote adapts the store (with the signing key and the retention) to it.
type ResultsAdmin interface {
	// DashboardCount counts the ballots with the recorded decisions by lot replayed; it
	// refuses with election.ErrWrongState before voting has closed.
	DashboardCount(ctx context.Context, slug string) (*DashboardCount, error)
	ResolveTie(ctx context.Context, slug, positionKey string, winner int64, reason, actor string, now time.Time) error
	// PublishResults publishes the results, or a new revision of them.
	PublishResults(ctx context.Context, slug, actor string, now time.Time) (*election.Publication, error)
	// AuditLog returns up to limit entries after afterID, oldest first; slug "" is all.
	AuditLog(ctx context.Context, slug string, afterID int64, limit int) ([]AuditEntry, error)
	// Purge deletes the election's token hashes and voted marks once the configured
	// retention after publication has passed.
	Purge(ctx context.Context, slug, actor string, now time.Time) (PurgeReport, error)
}

// PurgeReport says what a purge deleted and kept.
type PurgeReport struct {
	Voters, Challenges, Ballots int
	Eligible, Voted             int
	PublishedAt                 time.Time
}

// adminResultsRoutes adds the count, publication, audit and purge endpoints when ResultsAdmin
// is set.
func (s *Server) adminResultsRoutes() {
	if s.resultsAdmin == nil {
		return
	}
	s.mux.Handle("GET /api/admin/elections/{slug}/tally", s.api(RoleObserver, s.handleTally))
	s.mux.Handle("POST /api/admin/elections/{slug}/ties", s.api(RoleAdmin, s.handleResolveTie))
	s.mux.Handle("POST /api/admin/elections/{slug}/publish", s.api(RoleAdmin, s.handlePublish))
	s.mux.Handle("GET /api/admin/elections/{slug}/audit", s.api(RoleObserver, s.handleAudit))
	s.mux.Handle("GET /api/admin/audit", s.api(RoleObserver, s.handleAudit))
	s.mux.Handle("POST /api/admin/elections/{slug}/purge", s.api(RoleAdmin, s.handlePurge))
}

type tallyJSON struct {
	Election    string              `json:"election"`
	Eligible    int                 `json:"eligible"`
	BallotsCast int                 `json:"ballots_cast"`
	Turnout     float64             `json:"turnout"`
	Positions   []positionTallyJSON `json:"positions"`
	// Ties counts the ties still to resolve; VoidResolutions the recorded decisions by lot
	// that no longer apply because a ruling moved the votes.
	Ties            int                `json:"ties"`
	VoidResolutions int                `json:"void_resolutions"`
	Challenges      challengeTallyJSON `json:"challenges"`
	// Publishable is true when no tie and no open challenge stands in the way.
	Publishable bool `json:"publishable"`
}

type challengeTallyJSON struct {
	Open        int      `json:"open"`
	CouldChange []string `json:"could_change"`
}

type positionTallyJSON struct {
	Key         string               `json:"key"`
	Title       string               `json:"title"`
	Seats       int                  `json:"seats"`
	Candidates  []candidateTallyJSON `json:"candidates"`
	RONVotes    int                  `json:"ron_votes"`
	Abstentions int                  `json:"abstentions"`
	Elected     []string             `json:"elected"`
	RONElected  bool                 `json:"ron_elected"`
	EmptySeats  int                  `json:"empty_seats"`
	Tie         *tieJSON             `json:"tie"`
	Resolutions []resolutionJSON     `json:"resolutions"`
}

type candidateTallyJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Votes   int    `json:"votes"`
	Elected bool   `json:"elected"`
}

type tieJSON struct {
	Candidates []string `json:"candidates"`
	Votes      int      `json:"votes"`
	Seats      int      `json:"seats"`
	// Resolve says how to record the committee's draw.
	Resolve string `json:"resolve"`
}

type resolutionJSON struct {
	Winner string   `json:"winner"`
	Tied   []string `json:"tied"`
	Reason string   `json:"reason"`
}

func choiceIDs(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = election.ChoiceID(id)
	}
	return out
}

func tallyOf(slug string, c *DashboardCount) tallyJSON {
	r := c.Result
	out := tallyJSON{Election: slug, Eligible: r.Eligible, BallotsCast: r.BallotsCast, Turnout: r.Turnout(),
		Positions: make([]positionTallyJSON, len(r.Positions)), Ties: len(r.Unresolved()), VoidResolutions: c.Void,
		Challenges: challengeTallyJSON{Open: c.OpenChallenges, CouldChange: append([]string{}, c.CouldChange...)}}
	out.Publishable = out.Ties == 0 && len(c.CouldChange) == 0
	for i, pr := range r.Positions {
		p := positionTallyJSON{Key: pr.Key, Title: pr.Title, Seats: pr.Seats, RONVotes: pr.RONVotes,
			Abstentions: pr.Abstentions, Elected: choiceIDs(pr.Elected), RONElected: pr.RONElected,
			EmptySeats: pr.EmptySeats, Candidates: make([]candidateTallyJSON, len(pr.Candidates)),
			Resolutions: make([]resolutionJSON, len(pr.Resolutions))}
		for j, cr := range pr.Candidates {
			p.Candidates[j] = candidateTallyJSON{ID: election.ChoiceID(cr.ID), Name: c.Names[cr.ID], Votes: cr.Votes, Elected: cr.Elected}
		}
		for j, res := range pr.Resolutions {
			p.Resolutions[j] = resolutionJSON{Winner: election.ChoiceID(res.Winner), Tied: choiceIDs(res.Tied), Reason: res.Reason}
		}
		if t := pr.Tie; t != nil {
			p.Tie = &tieJSON{Candidates: choiceIDs(t.Candidates), Votes: t.Votes, Seats: t.Seats,
				Resolve: `POST /api/admin/elections/` + slug + `/ties {"position": "` + pr.Key + `", "winner": "ID or RON", "reason": "how and by whom the lot was drawn"}`}
		}
		out.Positions[i] = p
	}
	return out
}

// handleTally answers GET /api/admin/elections/{slug}/tally: the count after voting has
// closed (409 before), with its ties and open challenges.
func (s *Server) handleTally(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	c, err := s.resultsAdmin.DashboardCount(r.Context(), slug)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tallyOf(slug, c))
	return nil
}

// handleResolveTie records a draw: POST /api/admin/elections/{slug}/ties with
// {"position": KEY, "winner": "ID" or "RON", "reason": TEXT}; it answers with the tally.
func (s *Server) handleResolveTie(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Position string `json:"position"`
		Winner   any    `json:"winner"`
		Reason   string `json:"reason"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	var winner int64
	switch v := body.Winner.(type) {
	case string:
		id, err := election.ParseChoiceID(strings.ToUpper(strings.TrimSpace(v)))
		if err != nil {
			return err
		}
		winner = id
	case float64:
		if v <= 0 || v != float64(int64(v)) {
			return badRequest("winner %v is not a candidate id: give the id from the tally, or \"RON\"", v)
		}
		winner = int64(v)
	default:
		return badRequest(`give "position", "winner" (a candidate id from the tally, or "RON") and "reason"`)
	}
	if body.Position == "" {
		return badRequest(`give "position": the key of the tied position, as the tally shows it`)
	}
	slug := r.PathValue("slug")
	if err := s.resultsAdmin.ResolveTie(r.Context(), slug, body.Position, winner, body.Reason, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	return s.handleTally(w, r)
}

type publicationJSON struct {
	Election      string    `json:"election"`
	Revision      int       `json:"revision"`
	PublishedAt   time.Time `json:"published_at"`
	ResultsSHA256 string    `json:"results_sha256"`
	BallotsSHA256 string    `json:"ballots_sha256"`
	Signed        bool      `json:"signed"`
	// URLs are the public paths of what was published, relative to CIVIVOTE_PUBLIC_URL.
	URLs map[string]string `json:"urls"`
}

// handlePublish publishes the results: POST /api/admin/elections/{slug}/publish. It is
// refused (409) while a tie or an open challenge could change a seat.
func (s *Server) handlePublish(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	pub, err := s.resultsAdmin.PublishResults(r.Context(), slug, Actor(r.Context()), s.now())
	if err != nil {
		return err
	}
	base := "/elections/" + slug
	urls := map[string]string{"results": base + "/results", "results_json": base + "/results.json",
		"results_csv": base + "/results.csv", "ballots_json": base + "/ballots.json", "receipt": base + "/receipt"}
	if pub.ResultsSignature != nil {
		urls["results_json_sig"] = base + "/results.json.sig"
	}
	writeJSON(w, http.StatusOK, publicationJSON{Election: slug, Revision: pub.Revision, PublishedAt: pub.PublishedAt,
		ResultsSHA256: hex.EncodeToString(pub.ResultsSHA256[:]), BallotsSHA256: hex.EncodeToString(pub.BallotsSHA256[:]),
		Signed: pub.ResultsSignature != nil, URLs: urls})
	return nil
}

type auditEntryJSON struct {
	ID        int64          `json:"id"`
	At        time.Time      `json:"at"`
	Actor     string         `json:"actor"`
	Action    string         `json:"action"`
	ContactID int64          `json:"contact_id,omitempty"`
	Details   map[string]any `json:"details"`
}

// handleAudit answers GET /api/admin/elections/{slug}/audit and GET /api/admin/audit (the
// whole log), oldest first, ?after=ID&limit=N (at most 1000) to page: next_after is the
// after of the next page, absent on the last.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	after, limit := int64(0), 100
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return badRequest("after=%q is not an audit entry id", v)
		}
		after = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return badRequest("limit=%q must be a number from 1 to 1000", v)
		}
		limit = n
	}
	slug := r.PathValue("slug")
	list, err := s.resultsAdmin.AuditLog(r.Context(), slug, after, limit)
	if err != nil {
		return err
	}
	out := map[string]any{"entries": auditJSON(list)}
	if slug != "" {
		out["election"] = slug
	}
	if len(list) == limit {
		out["next_after"] = list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func auditJSON(list []AuditEntry) []auditEntryJSON {
	out := make([]auditEntryJSON, len(list))
	for i, a := range list {
		out[i] = auditEntryJSON{ID: a.ID, At: a.At.UTC(), Actor: a.Actor, Action: a.Action, ContactID: a.ContactID, Details: a.Details}
	}
	return out
}

// handlePurge deletes an election's token hashes and voted marks after the retention:
// POST /api/admin/elections/{slug}/purge with {"confirm": "SLUG"}, as it cannot be undone.
func (s *Server) handlePurge(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Confirm string `json:"confirm"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	slug := r.PathValue("slug")
	if body.Confirm != slug {
		return badRequest(`a purge cannot be undone: send {"confirm": "%s"} to confirm it`, slug)
	}
	rep, err := s.resultsAdmin.Purge(r.Context(), slug, Actor(r.Context()), s.now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"election": slug, "voters_deleted": rep.Voters,
		"challenges_deleted": rep.Challenges, "ballots_kept": rep.Ballots, "eligible": rep.Eligible, "voted": rep.Voted,
		"published_at": rep.PublishedAt.UTC()})
	return nil
}
