package web

import (
	"net/http"
	"slices"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/roster"
)

// overviewView is the dashboard's first page: is the roster current, is CiviCRM getting
// its writes, and where each election stands.
type overviewView struct {
	adminPage
	LastRun        *runRow
	LastSuccess    string
	NextSync       string
	InGoodStanding int
	GuardTrips     int
	LastTrip       *runRow
	RunsChecked    int
	HasOutbox      bool
	Outbox         OutboxStats
	OldestPending  string
	Elections      []electionRow
}

type electionRow struct {
	Slug, Title, State, Voting string
}

// runRow is a sync run as the dashboard's tables show it.
type runRow struct {
	ID                                         int64
	Started, Took, Trigger, Outcome, Detail    string
	Contacts, Added, Updated, Lapsed, Returned int
	Applied, Stopped                           bool
}

func runRowOf(r roster.Run) runRow {
	row := runRow{ID: r.ID, Started: election.FormatUTC(r.StartedAt), Trigger: r.Trigger, Outcome: outcomeText(r.Outcome),
		Contacts: r.Contacts, Added: r.Added, Updated: r.Updated, Lapsed: r.Lapsed, Returned: r.Reactivated,
		Applied: r.Outcome == roster.OutcomeSucceeded, Stopped: r.Outcome == roster.OutcomeGuardTripped}
	if !r.FinishedAt.IsZero() {
		row.Took = r.FinishedAt.Sub(r.StartedAt).Round(time.Second).String()
	}
	row.Detail = r.Error
	if r.Actor != "" {
		row.Trigger += " (" + r.Actor + ")"
	}
	return row
}

func outcomeText(o roster.Outcome) string {
	switch o {
	case roster.OutcomeSucceeded:
		return "applied"
	case roster.OutcomeGuardTripped:
		return "stopped by a guard"
	case roster.OutcomeFailed:
		return "failed"
	case roster.OutcomeDryRun:
		return "dry run"
	case roster.OutcomeRunning:
		return "running"
	}
	return string(o)
}

// overviewRuns is how many recent runs the overview counts guard trips in.
const overviewRuns = 100

// handleOverview serves GET /admin.
func (s *Server) handleOverview(w http.ResponseWriter, r *http.Request, p adminPage) error {
	p.Title, p.Section = "Overview", "overview"
	v := overviewView{adminPage: p, NextSync: "not known (the schedule runs in the serving process)"}
	ctx := r.Context()
	if s.roster != nil {
		runs, err := s.roster.Runs(ctx, overviewRuns)
		if err != nil {
			return err
		}
		v.RunsChecked = len(runs)
		if len(runs) > 0 {
			row := runRowOf(runs[0])
			v.LastRun = &row
		}
		for _, run := range runs {
			if run.Outcome == roster.OutcomeSucceeded && v.LastSuccess == "" {
				v.LastSuccess = election.FormatUTC(run.FinishedAt)
			}
			if run.Outcome == roster.OutcomeGuardTripped {
				if v.GuardTrips == 0 {
					row := runRowOf(run)
					v.LastTrip = &row
				}
				v.GuardTrips++
			}
		}
	}
	if s.dash.NextSync != nil {
		if next, ok := s.dash.NextSync(); ok {
			v.NextSync = election.FormatUTC(next)
		}
	}
	n, err := s.dash.Data.CountInGoodStanding(ctx)
	if err != nil {
		return err
	}
	v.InGoodStanding = n
	if s.outbox != nil {
		st, err := s.outbox.OutboxStats(ctx)
		if err != nil {
			return err
		}
		v.HasOutbox, v.Outbox = true, st
		if st.OldestPending != nil {
			v.OldestPending = election.FormatUTC(*st.OldestPending)
		}
	}
	if v.Elections, err = s.electionRows(r); err != nil {
		return err
	}
	return s.views.render(w, http.StatusOK, "admin_overview", v)
}

func (s *Server) electionRows(r *http.Request) ([]electionRow, error) {
	if s.elections == nil {
		return nil, nil
	}
	list, err := s.elections.ListElections(r.Context())
	if err != nil {
		return nil, err
	}
	rows := make([]electionRow, 0, len(list))
	for _, se := range list {
		d := se.Election.Definition
		rows = append(rows, electionRow{Slug: d.Slug, Title: d.Title, State: stateText(se.Election.State),
			Voting: election.FormatWindow(d.Voting, d.Location)})
	}
	return rows, nil
}

// stateText is an election state in words.
func stateText(st election.State) string {
	texts := map[election.State]string{
		election.Draft: "draft", election.NominationsOpen: "nominations open", election.NominationsClosed: "nominations closed",
		election.VotingOpen: "voting open", election.VotingClosed: "voting closed", election.ResultsPublished: "results published",
		election.WrittenBack: "officers written back to CiviCRM",
	}
	if t, ok := texts[st]; ok {
		return t
	}
	return string(st)
}

// syncView is the sync runs page.
type syncView struct {
	adminPage
	Runs  []runRow
	Chart barChart
	Sizes []runRow // applied runs, oldest first: the chart's data
}

// syncPageRuns is how many runs the sync page lists.
const syncPageRuns = 100

// handleSyncPage serves GET /admin/sync: recent runs and the roster's size over time.
func (s *Server) handleSyncPage(w http.ResponseWriter, r *http.Request, p adminPage) error {
	p.Title, p.Section = "Roster sync runs", "sync"
	v := syncView{adminPage: p}
	if s.roster != nil {
		runs, err := s.roster.Runs(r.Context(), syncPageRuns)
		if err != nil {
			return err
		}
		for _, run := range runs {
			v.Runs = append(v.Runs, runRowOf(run))
			if run.Outcome == roster.OutcomeSucceeded {
				v.Sizes = append(v.Sizes, runRowOf(run))
			}
		}
		slices.Reverse(v.Sizes)
	}
	labels, values := make([]string, len(v.Sizes)), make([]int, len(v.Sizes))
	for i, row := range v.Sizes {
		labels[i], values[i] = row.Started, row.Contacts
	}
	v.Chart = newBarChart("Members returned by each applied sync, oldest first", labels, values, "members")
	return s.views.render(w, http.StatusOK, "admin_sync", v)
}

// configView is the configuration page.
type configView struct {
	adminPage
	Settings []ConfigSetting
}

// handleConfigPage serves GET /admin/config: every variable, secrets hidden.
func (s *Server) handleConfigPage(w http.ResponseWriter, r *http.Request, p adminPage) error {
	p.Title, p.Section = "Configuration", "config"
	return s.views.render(w, http.StatusOK, "admin_config", configView{adminPage: p, Settings: s.dash.Settings})
}
