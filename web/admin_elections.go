package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/civivote/civivote/election"
)

// Elections keeps election definitions and moves elections through their lifecycle; the
// store does it, through a small adapter in cmd/civivote.
type Elections interface {
	ApplyElection(ctx context.Context, def *election.Definition, source []byte, actor string, now time.Time) (election.Change, error)
	ListElections(ctx context.Context) ([]StoredElection, error)
	// GetElection returns an error of kind election.ErrNotFound for an unknown slug.
	GetElection(ctx context.Context, slug string) (StoredElection, error)
	AdvanceElection(ctx context.Context, slug, reason, actor string, now time.Time) (election.State, error)
}

// StoredElection is an election with what the committee sees of its stored definition.
type StoredElection struct {
	Election *election.Election
	// Hash is the hex SHA-256 of the definition's canonical form.
	Hash      string
	UpdatedAt time.Time
}

// maxDefinitionBytes bounds a definition upload; real ones are a few kilobytes.
const maxDefinitionBytes = 1 << 20

type windowJSON struct {
	Opens  time.Time `json:"opens"`
	Closes time.Time `json:"closes"`
	// Local is the window in the election's zone, as members read it.
	Local string `json:"local"`
}

type positionJSON struct {
	Key           string   `json:"key"`
	Title         string   `json:"title"`
	Description   string   `json:"description,omitempty"`
	Seats         int      `json:"seats"`
	TenureMonths  int      `json:"tenure_months"`
	CoOfficership bool     `json:"co_officership"`
	Declarations  []string `json:"declarations"`
}

type electionJSON struct {
	Slug         string         `json:"slug"`
	Title        string         `json:"title"`
	State        election.State `json:"state"`
	Timezone     string         `json:"timezone"`
	Nominations  windowJSON     `json:"nominations"`
	Voting       windowJSON     `json:"voting"`
	RollCloses   *time.Time     `json:"roll_closes,omitempty"`
	TenureStarts string         `json:"tenure_starts"`
	Hash         string         `json:"definition_hash"`
	UpdatedAt    time.Time      `json:"updated_at"`
	Positions    []positionJSON `json:"positions"`
}

func electionOf(se StoredElection) electionJSON {
	d := se.Election.Definition
	win := func(w election.Window) windowJSON {
		return windowJSON{Opens: w.Opens.UTC(), Closes: w.Closes.UTC(), Local: election.FormatWindow(w, d.Location)}
	}
	out := electionJSON{Slug: d.Slug, Title: d.Title, State: se.Election.State, Timezone: d.Timezone,
		Nominations: win(d.Nominations), Voting: win(d.Voting), TenureStarts: d.TenureStarts.String(),
		Hash: se.Hash, UpdatedAt: se.UpdatedAt.UTC(), Positions: []positionJSON{}}
	if !d.RollCloses.IsZero() {
		t := d.RollCloses.UTC()
		out.RollCloses = &t
	}
	for _, p := range d.Positions {
		decl := p.Declarations
		if decl == nil {
			decl = []string{}
		}
		out.Positions = append(out.Positions, positionJSON{p.Key, p.Title, p.Description, p.Seats, p.TenureMonths, p.CoOfficership, decl})
	}
	return out
}

// handleElections lists every election: GET /api/admin/elections.
func (s *Server) handleElections(w http.ResponseWriter, r *http.Request) error {
	list, err := s.elections.ListElections(r.Context())
	if err != nil {
		return err
	}
	out := make([]electionJSON, 0, len(list))
	for _, se := range list {
		out = append(out, electionOf(se))
	}
	writeJSON(w, http.StatusOK, map[string]any{"elections": out})
	return nil
}

// handleElection shows one election: GET /api/admin/elections/{slug}.
func (s *Server) handleElection(w http.ResponseWriter, r *http.Request) error {
	se, err := s.elections.GetElection(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, electionOf(se))
	return nil
}

type problemJSON struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// handleApplyElection is `election apply` over HTTP: PUT /api/admin/elections/{slug} with
// the YAML definition as the body. A bad file is answered 400 with every problem and its
// position, and changes nothing.
func (s *Server) handleApplyElection(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	src, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxDefinitionBytes))
	if tl := tooLarge(err, "the definition is over 1 MiB: an election definition is a few kilobytes of YAML; nothing changed"); tl != nil {
		return tl
	}
	if err != nil {
		return badRequest("the definition could not be read (at most %d bytes of YAML): %v", maxDefinitionBytes, err)
	}
	def, err := election.Parse(bytes.NewReader(src), slug+".yaml")
	var defErr *election.DefinitionError
	if errors.As(err, &defErr) {
		problems := make([]problemJSON, 0, len(defErr.Problems))
		for _, p := range defErr.Problems {
			problems = append(problems, problemJSON{p.Line, p.Column, p.Message})
		}
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error":    "the definition has problems and was not applied; nothing changed",
			"problems": problems,
		})
		return nil
	}
	if err != nil {
		return err
	}
	if def.Slug != slug {
		return badRequest("the URL names election %q but the file's slug is %q: PUT it to /api/admin/elections/%s", slug, def.Slug, def.Slug)
	}
	change, err := s.elections.ApplyElection(r.Context(), def, src, Actor(r.Context()), s.now())
	if err != nil {
		return err
	}
	se, err := s.elections.GetElection(r.Context(), slug)
	if err != nil {
		return err
	}
	status, word := http.StatusOK, "unchanged"
	switch change {
	case election.Create:
		status, word = http.StatusCreated, "created"
	case election.Update:
		word = "updated"
	}
	writeJSON(w, status, map[string]any{"change": word, "election": electionOf(se)})
	return nil
}

// handleAdvanceElection is `election advance` over HTTP:
// POST /api/admin/elections/{slug}/advance with {"reason": "…"}.
func (s *Server) handleAdvanceElection(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	slug := r.PathValue("slug")
	if _, err := s.elections.AdvanceElection(r.Context(), slug, body.Reason, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	se, err := s.elections.GetElection(r.Context(), slug)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, electionOf(se))
	return nil
}
