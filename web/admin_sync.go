package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/civivote/civivote/roster"
)

// Roster is what the admin API needs of the roster sync. cmd/civivote wires a lease around
// Sync so that no two replicas sync at once.
type Roster interface {
	Sync(ctx context.Context, req roster.Request) (*roster.Report, error)
	Runs(ctx context.Context, limit int) ([]roster.Run, error)
	Lookup(ctx context.Context, contactID int64) (roster.Standing, error)
	Override(ctx context.Context, o roster.Override) error
}

// runJSON is a sync run as the admin API shows it.
type runJSON struct {
	ID           int64      `json:"id"`
	StartedAt    time.Time  `json:"started_at"`
	FinishedAt   *time.Time `json:"finished_at,omitempty"`
	Trigger      string     `json:"trigger"`
	Actor        string     `json:"actor"`
	Forced       bool       `json:"forced"`
	DryRun       bool       `json:"dry_run"`
	Outcome      string     `json:"outcome"`
	Reason       string     `json:"reason,omitempty"`
	Error        string     `json:"error,omitempty"`
	Pages        int        `json:"pages"`
	Fetched      int        `json:"fetched"`
	Expected     int        `json:"expected"`
	Contacts     int        `json:"contacts"`
	Added        int        `json:"added"`
	Updated      int        `json:"updated"`
	Lapsed       int        `json:"lapsed"`
	Reactivated  int        `json:"reactivated"`
	Unchanged    int        `json:"unchanged"`
	WithoutEmail int        `json:"without_email"`
	Stale        int        `json:"stale"`
}

func runOf(r roster.Run) runJSON {
	j := runJSON{ID: r.ID, StartedAt: r.StartedAt, Trigger: r.Trigger, Actor: r.Actor, Forced: r.Forced,
		DryRun: r.DryRun, Outcome: string(r.Outcome), Reason: r.Reason, Error: r.Error, Pages: r.Pages,
		Fetched: r.Fetched, Expected: r.Expected, Contacts: r.Contacts, Added: r.Added, Updated: r.Updated,
		Lapsed: r.Lapsed, Reactivated: r.Reactivated, Unchanged: r.Unchanged, WithoutEmail: r.WithoutEmail, Stale: r.Stale}
	if !r.FinishedAt.IsZero() {
		t := r.FinishedAt
		j.FinishedAt = &t
	}
	return j
}

type changeJSON struct {
	Kind        string `json:"kind"`
	ContactID   int64  `json:"contact_id"`
	DisplayName string `json:"display_name"`
	Reason      string `json:"reason"`
}

type reportJSON struct {
	Run     runJSON      `json:"run"`
	Changes []changeJSON `json:"changes"`
}

// handleSync runs a roster sync now: POST /api/admin/sync with {"force":bool,"dry_run":bool}.
// It answers 200 when the run applied (or, dry, would apply), 409 when a guard stopped it
// or another sync is running, and 502 when CiviCRM could not be read; the body always
// holds the run when there is one.
func (s *Server) handleSync(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Force  bool `json:"force"`
		DryRun bool `json:"dry_run"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	rep, err := s.roster.Sync(r.Context(), roster.Request{Trigger: "api", Actor: Actor(r.Context()), Force: body.Force, DryRun: body.DryRun})
	if rep == nil {
		return err
	}
	out := reportJSON{Run: runOf(rep.Run), Changes: []changeJSON{}}
	for _, c := range rep.Changes {
		out.Changes = append(out.Changes, changeJSON{string(c.Kind), c.ContactID, c.DisplayName, c.Reason})
	}
	var guard *roster.GuardError
	switch {
	case errors.As(err, &guard):
		writeJSON(w, http.StatusConflict, out)
	case err != nil:
		writeJSON(w, http.StatusBadGateway, out)
	default:
		writeJSON(w, http.StatusOK, out)
	}
	return nil
}

// handleSyncRuns lists recent runs, newest first: GET /api/admin/sync/runs?limit=N.
func (s *Server) handleSyncRuns(w http.ResponseWriter, r *http.Request) error {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return badRequest("limit must be a whole number from 1 to 1000, got %q", v)
		}
		limit = n
	}
	runs, err := s.roster.Runs(r.Context(), limit)
	if err != nil {
		return err
	}
	out := make([]runJSON, 0, len(runs))
	for _, run := range runs {
		out = append(out, runOf(run))
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": out})
	return nil
}
