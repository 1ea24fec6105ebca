package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/civivote/civivote/election"
)

// DashboardAudit reads the audit log (store.AuditLog through an adapter).
type DashboardAudit interface {
	// AuditLog returns up to limit entries after afterID, oldest first; slug "" is every
	// election and the roster.
	AuditLog(ctx context.Context, slug string, afterID int64, limit int) ([]AuditEntry, error)
}

// AuditEntry is one line of the audit log: who did what, never how anyone voted.
type AuditEntry struct {
	ID        int64
	At        time.Time
	Actor     string
	Action    string
	ContactID int64
	Details   map[string]any
}

type auditView struct {
	adminPage
	Election string
	Entries  []auditRow
	Next     string // the next page's URL, "" on the last
	First    bool
}

type auditRow struct {
	ID                         int64
	At, Actor, Action, Details string
	ContactID                  int64
}

// auditPage is how many entries one page of the audit log shows.
const auditPage = 50

// handleAuditPage serves GET /admin/audit?election=SLUG&after=ID.
func (s *Server) handleAuditPage(w http.ResponseWriter, r *http.Request, p adminPage) error {
	p.Title, p.Section = "Audit log", "audit"
	q := r.URL.Query()
	v := auditView{adminPage: p, Election: q.Get("election")}
	var after int64
	if a := q.Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			return badRequest("after must be an audit entry number, got %q", a)
		}
		after = n
	}
	v.First = after == 0
	entries, err := s.dash.Audit.AuditLog(r.Context(), v.Election, after, auditPage+1)
	if err != nil {
		return err
	}
	more := len(entries) > auditPage
	if more {
		entries = entries[:auditPage]
	}
	for _, e := range entries {
		details := ""
		if len(e.Details) > 0 {
			b, _ := json.Marshal(e.Details)
			details = string(b)
		}
		v.Entries = append(v.Entries, auditRow{e.ID, election.FormatUTC(e.At), e.Actor, e.Action, details, e.ContactID})
	}
	if more {
		next := url.Values{"after": {strconv.FormatInt(entries[len(entries)-1].ID, 10)}}
		if v.Election != "" {
			next.Set("election", v.Election)
		}
		v.Next = "/admin/audit?" + next.Encode()
	}
	return s.views.render(w, http.StatusOK, "admin_audit", v)
}
