package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
)

// DashboardCounts is the count as the dashboard needs it: the tally with its ties, the
// committee's decisions by lot, and publication. cmd/civivote adapts the store to it.
type DashboardCounts interface {
	// DashboardCount counts the ballots with the recorded decisions by lot replayed; it
	// refuses with election.ErrWrongState before voting has closed.
	DashboardCount(ctx context.Context, slug string) (*DashboardCount, error)
	ResolveTie(ctx context.Context, slug, positionKey string, winner int64, reason, actor string, now time.Time) error
	// Publish freezes and publishes the results (again, after a late ruling) and returns
	// the publication's revision.
	Publish(ctx context.Context, slug, actor string, now time.Time) (int, error)
}

// DashboardCount is a count as the dashboard shows it.
type DashboardCount struct {
	Result *election.Result
	Names  map[int64]string
	// Void counts recorded decisions by lot that no longer apply (a ruling moved votes).
	Void int
	// OpenChallenges counts challenged ballots not yet ruled on; CouldChange lists the
	// positions whose result they could change.
	OpenChallenges int
	CouldChange    []string
}

type countView struct {
	Eligible, Ballots int
	Turnout           string
	Positions         []positionCount
	Ties              int
	Void              int
	OpenChallenges    int
	CouldChange       string
}

type positionCount struct {
	Key, Title  string
	Seats       int
	Rows        []countRow
	Abstentions int
	Elected     string
	Tie         *tieView
	Form        *tieForm // the tie's form, for an admin
	Resolutions []string
}

// tieForm is the data of the "tie-form" template.
type tieForm struct {
	Slug, CSRF, Key, Title   string
	Tie                      *tieView
	Winner, Reason           string
	WinnerError, ReasonError string
}

type countRow struct {
	Name    string
	Votes   int
	Elected bool
}

type tieView struct {
	Votes, Seats int
	Names        string
	Options      []tieOption
}

type tieOption struct{ Value, Label string }

func (c *DashboardCount) name(id int64) string {
	if id == election.RON {
		return "Re-open nominations"
	}
	if n, ok := c.Names[id]; ok {
		return n
	}
	return "candidate " + strconv.FormatInt(id, 10)
}

func countViewOf(c *DashboardCount) *countView {
	res := c.Result
	v := &countView{Eligible: res.Eligible, Ballots: res.BallotsCast, Turnout: fmt.Sprintf("%.1f%%", 100*res.Turnout()),
		Void: c.Void, OpenChallenges: c.OpenChallenges, CouldChange: strings.Join(c.CouldChange, ", ")}
	for _, pr := range res.Positions {
		pc := positionCount{Key: pr.Key, Title: pr.Title, Seats: pr.Seats, Abstentions: pr.Abstentions}
		for _, cr := range pr.Candidates {
			pc.Rows = append(pc.Rows, countRow{c.name(cr.ID), cr.Votes, cr.Elected})
		}
		if pr.ReopenNominations {
			pc.Rows = append(pc.Rows, countRow{"Re-open nominations", pr.RONVotes, pr.RONElected})
		}
		var elected []string
		for _, id := range pr.Elected {
			elected = append(elected, c.name(id))
		}
		pc.Elected = strings.Join(elected, ", ")
		for _, res := range pr.Resolutions {
			pc.Resolutions = append(pc.Resolutions, fmt.Sprintf("%s won the draw: %s", c.name(res.Winner), res.Reason))
		}
		if t := pr.Tie; t != nil {
			tv := &tieView{Votes: t.Votes, Seats: t.Seats}
			var names []string
			for _, id := range t.Candidates {
				val := strconv.FormatInt(id, 10)
				if id == election.RON {
					val = election.RONFormValue
				}
				tv.Options = append(tv.Options, tieOption{val, c.name(id)})
				names = append(names, c.name(id))
			}
			tv.Names = strings.Join(names, ", ")
			pc.Tie = tv
			v.Ties++
		}
		v.Positions = append(v.Positions, pc)
	}
	return v
}

// counted reports whether an election's ballots can be counted in its state.
func counted(st election.State) bool {
	return st == election.VotingClosed || st == election.ResultsPublished || st == election.WrittenBack
}

func (s *Server) fillCount(r *http.Request, v *electionView, st election.State) error {
	v.Published = st == election.ResultsPublished || st == election.WrittenBack
	switch {
	case s.dash.Counts == nil:
		return nil
	case !counted(st):
		v.CountNote = "The count appears here once voting has closed."
		return nil
	}
	c, err := s.dash.Counts.DashboardCount(r.Context(), v.Slug)
	if err != nil {
		return err
	}
	v.Count = countViewOf(c)
	if v.CanAct {
		for i, pc := range v.Count.Positions {
			if pc.Tie != nil {
				v.Count.Positions[i].Form = &tieForm{Slug: v.Slug, CSRF: v.CSRF, Key: pc.Key, Title: pc.Title, Tie: pc.Tie}
			}
		}
	}
	v.CanPublish = v.CanAct && v.Count.Ties == 0
	v.CanWriteback = v.CanAct && s.writebacks != nil && v.Published
	return nil
}

// confirmView is the step before an action that cannot be undone: it says what will
// happen and asks for a second press.
type confirmView struct {
	adminPage
	Heading string
	Lines   []string
	Action  string
	Hidden  []confirmField
	Button  string
	Back    string
}

type confirmField struct{ Name, Value string }

// tieFormView is the tie form sent back with its problems.
type tieFormView struct {
	adminPage
	Slug     string
	Position positionCount
	Form     tieForm
}

// handleDashTie records a decision by lot: POST /admin/elections/{slug}/ties with
// position, winner and reason. The first press shows what will be recorded; the second
// (confirm=yes) records it.
func (s *Server) handleDashTie(w http.ResponseWriter, r *http.Request, p adminPage) error {
	slug := r.PathValue("slug")
	c, err := s.dash.Counts.DashboardCount(r.Context(), slug)
	if err != nil {
		return err
	}
	cv := countViewOf(c)
	key := r.PostForm.Get("position")
	i := slices.IndexFunc(cv.Positions, func(pc positionCount) bool { return pc.Key == key && pc.Tie != nil })
	if i < 0 {
		return election.Errorf(election.ErrConflict, "position %q has no tie to resolve now: reload the election page", key)
	}
	pc := cv.Positions[i]
	winner := r.PostForm.Get("winner")
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	form := tieFormView{adminPage: p, Slug: slug, Position: pc,
		Form: tieForm{Slug: slug, CSRF: p.CSRF, Key: key, Title: pc.Title, Tie: pc.Tie, Winner: winner, Reason: reason}}
	form.Title, form.Section = "Resolve the tie for "+pc.Title, "elections"
	var label string
	for _, o := range pc.Tie.Options {
		if o.Value == winner {
			label = o.Label
		}
	}
	if label == "" {
		form.Form.WinnerError = "Choose who won the draw"
		form.Errors = append(form.Errors, formError{"#winner-" + pc.Key + "-0", form.Form.WinnerError})
	}
	if reason == "" {
		form.Form.ReasonError = "Record how the lot was drawn: who drew, how and when"
		form.Errors = append(form.Errors, formError{"#reason-" + pc.Key, form.Form.ReasonError})
	}
	if len(form.Errors) > 0 {
		form.Title = "Error: " + form.Title
		return s.views.render(w, http.StatusBadRequest, "admin_tie", form)
	}
	if r.PostForm.Get("confirm") != "yes" {
		v := confirmView{adminPage: p, Heading: "Record the draw for " + pc.Title + "?",
			Lines: []string{
				fmt.Sprintf("Tied: %s, with %d votes each, for %d seat(s).", pc.Tie.Names, pc.Tie.Votes, pc.Tie.Seats),
				"Winner of the draw: " + label + ".",
				"How it was drawn: " + reason,
				"This is recorded in the audit log and in the published results, and cannot be undone.",
			},
			Action: "/admin/elections/" + slug + "/ties", Button: "Record the draw",
			Hidden: []confirmField{{"position", key}, {"winner", winner}, {"reason", reason}, {"confirm", "yes"}},
			Back:   "/admin/elections/" + slug + "#count"}
		v.Title, v.Section = "Confirm the draw for "+pc.Title, "elections"
		return s.views.render(w, http.StatusOK, "admin_confirm", v)
	}
	id := election.RON
	if winner != election.RONFormValue {
		if id, err = strconv.ParseInt(winner, 10, 64); err != nil {
			return badRequest("%q is not one of the tied candidates", winner)
		}
	}
	if err := s.dash.Counts.ResolveTie(r.Context(), slug, key, id, reason, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/elections/"+slug+"?done=tie#count", http.StatusSeeOther)
	return nil
}

// handleDashPublishPage asks to confirm publication: GET /admin/elections/{slug}/publish.
func (s *Server) handleDashPublishPage(w http.ResponseWriter, r *http.Request, p adminPage) error {
	slug := r.PathValue("slug")
	c, err := s.dash.Counts.DashboardCount(r.Context(), slug)
	if err != nil {
		return err
	}
	cv := countViewOf(c)
	if cv.Ties > 0 {
		return election.Errorf(election.ErrTieUnresolved, "%d position(s) still have a tie: resolve each by lot on the election page first", cv.Ties)
	}
	lines := []string{fmt.Sprintf("%d of %d members voted (%s).", cv.Ballots, cv.Eligible, cv.Turnout)}
	for _, pc := range cv.Positions {
		el := pc.Elected
		if el == "" {
			el = "nobody"
		}
		lines = append(lines, pc.Title+": "+el+".")
	}
	if cv.OpenChallenges > 0 {
		lines = append(lines, fmt.Sprintf("%d challenged ballot(s) are not ruled on yet; they could change: %s. A later ruling needs a republication.", cv.OpenChallenges, cv.CouldChange))
	}
	lines = append(lines, "The results page, results.json, results.csv and the list of receipt codes become public, and cannot be withdrawn.")
	v := confirmView{adminPage: p, Heading: "Publish the results?", Lines: lines,
		Action: "/admin/elections/" + slug + "/publish", Button: "Publish the results",
		Hidden: []confirmField{{"confirm", "yes"}}, Back: "/admin/elections/" + slug + "#count"}
	v.Title, v.Section = "Publish the results", "elections"
	return s.views.render(w, http.StatusOK, "admin_confirm", v)
}

// handleDashPublish publishes: POST /admin/elections/{slug}/publish with confirm=yes.
func (s *Server) handleDashPublish(w http.ResponseWriter, r *http.Request, _ adminPage) error {
	slug := r.PathValue("slug")
	if r.PostForm.Get("confirm") != "yes" {
		http.Redirect(w, r, "/admin/elections/"+slug+"/publish", http.StatusSeeOther)
		return nil
	}
	if _, err := s.dash.Counts.Publish(r.Context(), slug, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/elections/"+slug+"?done=published", http.StatusSeeOther)
	return nil
}

// handleDashWritebackPage asks to confirm write-back: GET /admin/elections/{slug}/writeback.
func (s *Server) handleDashWritebackPage(w http.ResponseWriter, r *http.Request, p adminPage) error {
	slug := r.PathValue("slug")
	v := confirmView{adminPage: p, Heading: "Write the elected officers to CiviCRM?",
		Lines: []string{
			"Each elected officer becomes a relationship to the organisation in CiviCRM, with the tenure's start and end dates and the position's title.",
			"The outbox delivers them; writing back again creates nothing twice.",
		},
		Action: "/admin/elections/" + slug + "/writeback", Button: "Write back to CiviCRM",
		Hidden: []confirmField{{"confirm", "yes"}}, Back: "/admin/elections/" + slug + "#count"}
	v.Title, v.Section = "Write back to CiviCRM", "elections"
	return s.views.render(w, http.StatusOK, "admin_confirm", v)
}

// handleDashWriteback queues write-back: POST /admin/elections/{slug}/writeback.
func (s *Server) handleDashWriteback(w http.ResponseWriter, r *http.Request, _ adminPage) error {
	slug := r.PathValue("slug")
	if r.PostForm.Get("confirm") != "yes" {
		http.Redirect(w, r, "/admin/elections/"+slug+"/writeback", http.StatusSeeOther)
		return nil
	}
	if _, err := s.writebacks.QueueWriteback(r.Context(), slug, Actor(r.Context()), s.now()); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/elections/"+slug+"?done=writeback", http.StatusSeeOther)
	return nil
}
