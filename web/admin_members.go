package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/roster"
)

type eventJSON struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Reason string    `json:"reason"`
}

type overrideJSON struct {
	Eligible bool      `json:"eligible"`
	Reason   string    `json:"reason"`
	Until    time.Time `json:"until"`
	Actor    string    `json:"actor"`
	SetAt    time.Time `json:"set_at"`
}

type standingJSON struct {
	ContactID      int64         `json:"contact_id"`
	Known          bool          `json:"known"`
	Eligible       bool          `json:"eligible"`
	Why            string        `json:"why"`
	DisplayName    string        `json:"display_name,omitempty"`
	HasEmail       bool          `json:"has_email"`
	MembershipType string        `json:"membership_type,omitempty"`
	Status         string        `json:"membership_status,omitempty"`
	InGoodStanding bool          `json:"in_good_standing"`
	LapsedAt       *time.Time    `json:"lapsed_at,omitempty"`
	LapseReason    string        `json:"lapse_reason,omitempty"`
	LastSeen       *time.Time    `json:"last_seen,omitempty"`
	Override       *overrideJSON `json:"override,omitempty"`
	History        []eventJSON   `json:"history"`
}

func contactParam(r *http.Request) (int64, error) {
	v := r.PathValue("contact")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("%q is not a CiviCRM contact id", v)
	}
	return id, nil
}

// handleMember answers "why can't I vote?": GET /api/admin/members/{contact}. The member's
// email address itself is not shown, only whether there is one.
func (s *Server) handleMember(w http.ResponseWriter, r *http.Request) error {
	id, err := contactParam(r)
	if err != nil {
		return err
	}
	st, err := s.roster.Lookup(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, standingOf(st))
	return nil
}

func standingOf(st roster.Standing) standingJSON {
	m := st.Member
	out := standingJSON{ContactID: st.ContactID, Known: st.Known, Eligible: st.Eligible, Why: st.Why,
		DisplayName: m.DisplayName, HasEmail: m.Email != "", MembershipType: m.Type, Status: m.Status,
		InGoodStanding: m.InGoodStanding, LapseReason: m.LapseReason, History: []eventJSON{}}
	if !m.LapsedAt.IsZero() {
		t := m.LapsedAt
		out.LapsedAt = &t
	}
	if !st.LastSeen.IsZero() {
		t := st.LastSeen
		out.LastSeen = &t
	}
	if o := st.Override; o != nil {
		out.Override = &overrideJSON{o.Eligible, o.Reason, o.Until, o.Actor, o.SetAt}
	}
	for _, ev := range st.History {
		out.History = append(out.History, eventJSON{ev.At, ev.Actor, ev.Action, ev.Reason})
	}
	return out
}

// handleOverride records the committee's decision on one contact's eligibility:
// POST /api/admin/members/{contact}/override with {"eligible":bool,"reason":"…","until":"YYYY-MM-DD"}.
func (s *Server) handleOverride(w http.ResponseWriter, r *http.Request) error {
	id, err := contactParam(r)
	if err != nil {
		return err
	}
	var body struct {
		Eligible *bool  `json:"eligible"`
		Reason   string `json:"reason"`
		Until    string `json:"until"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.Eligible == nil {
		return badRequest("say whether the contact is eligible: \"eligible\": true or false")
	}
	if body.Reason == "" {
		return badRequest("give a reason: the audit log records why")
	}
	day, err := time.Parse(time.DateOnly, body.Until)
	if err != nil {
		return badRequest("until must be the override's last day, like 2026-12-31, got %q", body.Until)
	}
	o := roster.Override{ContactID: id, Eligible: *body.Eligible, Reason: body.Reason,
		Until: day.Add(24*time.Hour - time.Nanosecond), Actor: Actor(r.Context())}
	if err := s.roster.Override(r.Context(), o); err != nil {
		return err
	}
	st, err := s.roster.Lookup(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, standingOf(st))
	return nil
}

func badRequest(format string, args ...any) error {
	return election.Errorf(election.ErrInvalid, format, args...)
}
