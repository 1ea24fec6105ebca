package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/civivote/civivote/election"
)

// Outbox is what the admin API needs of the queue of CiviCRM writes (links, group changes,
// officers). It is declared here so web does not import the outbox; cmd/civivote adapts it.
type Outbox interface {
	OutboxStats(ctx context.Context) (OutboxStats, error)
	FailedOutboxItems(ctx context.Context, limit int) ([]OutboxItem, error)
	// RetryOutbox makes failed items due again: those in ids, or all when ids is nil. It
	// returns how many it changed.
	RetryOutbox(ctx context.Context, ids []int64) (int, error)
}

// OutboxStats is the backlog of CiviCRM writes.
type OutboxStats struct {
	Pending       int                        `json:"pending"` // waiting, due or not
	Due           int                        `json:"due"`     // waiting and due now
	Failed        int                        `json:"failed"`  // refused for good until retried
	OldestPending *time.Time                 `json:"oldest_pending,omitempty"`
	ByKind        map[string]OutboxKindStats `json:"by_kind"`
}

// OutboxKindStats is the backlog of one kind of write.
type OutboxKindStats struct {
	Pending       int        `json:"pending"`
	Due           int        `json:"due"`
	Failed        int        `json:"failed"`
	OldestPending *time.Time `json:"oldest_pending,omitempty"`
}

// OutboxItem is a failed write as an admin sees it: what it was for and why CiviCRM refused
// it. It never carries a link's URL.
type OutboxItem struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	Key       string    `json:"key"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	CreatedAt time.Time `json:"created_at"`
}

// maxFailedList bounds one listing of failed items.
const maxFailedList = 1000

func (s *Server) outboxRoutes() {
	if s.outbox == nil {
		return
	}
	s.mux.Handle("GET /api/admin/outbox", s.api(RoleObserver, s.handleOutboxStats))
	s.mux.Handle("GET /api/admin/outbox/failed", s.api(RoleObserver, s.handleOutboxFailed))
	s.mux.Handle("POST /api/admin/outbox/retry", s.api(RoleAdmin, s.handleOutboxRetry))
}

// handleOutboxStats answers GET /api/admin/outbox: the backlog, with the oldest pending
// item's age in seconds so a dashboard need not do date arithmetic.
func (s *Server) handleOutboxStats(w http.ResponseWriter, r *http.Request) error {
	st, err := s.outbox.OutboxStats(r.Context())
	if err != nil {
		return err
	}
	body := struct {
		OutboxStats
		OldestPendingAge float64 `json:"oldest_pending_age_seconds"`
	}{OutboxStats: st}
	if st.OldestPending != nil {
		body.OldestPendingAge = max(0, s.now().Sub(*st.OldestPending).Seconds())
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// handleOutboxFailed answers GET /api/admin/outbox/failed?limit=N (default 100): the items
// CiviCRM refused, oldest first, each with the reason and what to do.
func (s *Server) handleOutboxFailed(w http.ResponseWriter, r *http.Request) error {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxFailedList {
			return election.Errorf(election.ErrInvalid, "limit must be a whole number from 1 to %d, got %q", maxFailedList, v)
		}
		limit = n
	}
	items, err := s.outbox.FailedOutboxItems(r.Context(), limit)
	if err != nil {
		return err
	}
	if items == nil {
		items = []OutboxItem{}
	}
	writeJSON(w, http.StatusOK, struct {
		Items []OutboxItem `json:"items"`
	}{items})
	return nil
}

// handleOutboxRetry answers POST /api/admin/outbox/retry with {"all":true} or {"ids":[…]}:
// the failed items become due, and the next drain delivers them.
func (s *Server) handleOutboxRetry(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		All bool    `json:"all"`
		IDs []int64 `json:"ids"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	switch {
	case body.All && len(body.IDs) > 0:
		return election.Errorf(election.ErrInvalid, `send either {"all":true} or {"ids":[…]}, not both`)
	case !body.All && len(body.IDs) == 0:
		return election.Errorf(election.ErrInvalid, `say which failed items to retry: {"all":true} for every one, `+
			`or {"ids":[…]} with ids from GET /api/admin/outbox/failed`)
	}
	var ids []int64
	if !body.All {
		ids = body.IDs
	}
	n, err := s.outbox.RetryOutbox(r.Context(), ids)
	if err != nil {
		return err
	}
	out := struct {
		Retried int    `json:"retried"`
		Note    string `json:"note,omitempty"`
	}{Retried: n}
	if ids != nil && n < len(ids) {
		out.Note = fmt.Sprintf("%d of the %d ids given were not failed items (already retried or delivered, or unknown)",
			len(ids)-n, len(ids))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
