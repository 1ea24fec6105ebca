package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/roster"
)

// membersView is the member lookup: "why can't I vote?" answered from the roster and the
// rolls, never saying how anyone voted.
type membersView struct {
	adminPage
	Query   string
	Members []memberCard
	Missing bool // the search found nobody
}

type memberCard struct {
	ContactID int64
	Name      string
	Known     bool
	Eligible  bool
	Why       string
	HasEmail  bool
	Status    string
	History   []historyRow
	Rolls     []rollRow
}

type historyRow struct{ At, Actor, Action, Reason string }

type rollRow struct {
	Slug, Title  string
	OnRoll       bool
	Link         string // issued, when, revoked
	Delivered    string // the link's way to CiviCRM
	DeliveryFail bool
	Voted        bool
}

// maxLookup bounds how many members one email search shows.
const maxLookup = 20

// handleMembersPage serves GET /admin/members?q=CONTACT_ID or EMAIL.
func (s *Server) handleMembersPage(w http.ResponseWriter, r *http.Request, p adminPage) error {
	p.Title, p.Section = "Members", "members"
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := membersView{adminPage: p, Query: q}
	if q == "" {
		return s.views.render(w, http.StatusOK, "admin_members", v)
	}
	var ids []int64
	switch id, err := strconv.ParseInt(q, 10, 64); {
	case err == nil && id > 0:
		ids = []int64{id}
	case strings.Contains(q, "@"):
		if ids, err = s.dash.Data.MembersByEmail(r.Context(), q); err != nil {
			return err
		}
	default:
		v.Title = "Error: " + v.Title
		v.Errors = []formError{{"#q", "Enter a CiviCRM contact id (a whole number) or an email address"}}
		return s.views.render(w, http.StatusBadRequest, "admin_members", v)
	}
	if len(ids) > maxLookup {
		ids = ids[:maxLookup]
	}
	titles := map[string]string{}
	if rows, err := s.electionRows(r); err != nil {
		return err
	} else {
		for _, row := range rows {
			titles[row.Slug] = row.Title
		}
	}
	for _, id := range ids {
		card, err := s.memberCard(r, id, titles)
		if err != nil {
			return err
		}
		v.Members = append(v.Members, card)
	}
	v.Missing = len(v.Members) == 0
	return s.views.render(w, http.StatusOK, "admin_members", v)
}

func (s *Server) memberCard(r *http.Request, id int64, titles map[string]string) (memberCard, error) {
	card := memberCard{ContactID: id}
	if s.roster != nil {
		st, err := s.roster.Lookup(r.Context(), id)
		if err != nil && !errors.Is(err, roster.ErrNotFound) && !errors.Is(err, election.ErrNotFound) {
			return card, err
		}
		card.Known, card.Eligible, card.Why = st.Known, st.Eligible, st.Why
		card.Name, card.HasEmail = st.Member.DisplayName, st.Member.Email != ""
		card.Status = strings.TrimSpace(st.Member.Type + " " + st.Member.Status)
		for _, ev := range st.History {
			card.History = append(card.History, historyRow{election.FormatUTC(ev.At), ev.Actor, ev.Action, ev.Reason})
		}
	}
	rolls, err := s.dash.Data.MemberRolls(r.Context(), id)
	if err != nil {
		return card, err
	}
	on := map[string]MemberRoll{}
	for _, m := range rolls {
		on[m.Slug] = m
	}
	rows, err := s.electionRows(r)
	if err != nil {
		return card, err
	}
	for _, e := range rows {
		row := rollRow{Slug: e.Slug, Title: e.Title}
		if m, ok := on[e.Slug]; ok {
			row.OnRoll, row.Voted = true, m.Voted
			row.Link = "issued " + election.FormatUTC(m.IssuedAt)
			if m.Generation > 0 {
				row.Link += " (re-issued " + strconv.Itoa(m.Generation) + " times)"
			}
			if !m.RevokedAt.IsZero() {
				row.Link += "; stopped working " + election.FormatUTC(m.RevokedAt) + " when the member lapsed"
			}
			row.Delivered, row.DeliveryFail = deliveryText(m)
		}
		card.Rolls = append(card.Rolls, row)
	}
	return card, nil
}

// deliveryText says where a link's write to CiviCRM stands, and whether it failed.
func deliveryText(m MemberRoll) (string, bool) {
	switch m.LinkState {
	case "done":
		return "yes: written to the contact in CiviCRM", false
	case "pending":
		return "not yet: waiting in the outbox", false
	case "failed":
		return "no: CiviCRM refused it (" + m.LinkError + "); retry it from the outbox once fixed", true
	case "superseded":
		return "replaced by a newer link before it was written", false
	case "":
		return "nothing queued for this link", false
	}
	return m.LinkState, false
}
