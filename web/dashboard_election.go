package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/civivote/civivote/election"
)

// electionView is the committee's page for one election: dates, turnout, positions,
// candidates to decide on, and — once voting has closed — the count, its ties and the
// buttons that publish and write back.
type electionView struct {
	adminPage
	Slug, Heading, State, Timezone    string
	Nominations, Voting, TenureStarts string
	RollCloses                        string
	HasTurnout                        bool
	Eligible, Voted                   int
	Share                             string
	Chart                             barChart
	Hours                             []hourRow
	Positions                         []dashPosition
	Decidable                         bool // candidates can be accepted or rejected now
	Count                             *countView
	CountNote                         string // why there is no count yet
	CanPublish, CanWriteback          bool
	Published                         bool
}

type hourRow struct {
	Hour  string
	Voted int
}

type dashPosition struct {
	Key, Title, Description string
	Seats, TenureMonths     int
	CoOfficership           bool
	Declarations            []string
	Candidates              []dashCandidate
}

type dashCandidate struct {
	ID, ContactID        int64
	Name, Status, Reason string
	Statement            string
	Words                int
	CoConsent            bool
	Declared             []string
	CanAccept, CanReject bool
}

// handleElectionPage serves GET /admin/elections/{slug}.
func (s *Server) handleElectionPage(w http.ResponseWriter, r *http.Request, p adminPage) error {
	if s.elections == nil {
		return election.Errorf(election.ErrNotFound, "elections are not configured in this server")
	}
	slug := r.PathValue("slug")
	se, err := s.elections.GetElection(r.Context(), slug)
	if err != nil {
		return err
	}
	e := se.Election
	d := e.Definition
	p.Title, p.Section = d.Title, "elections"
	p.Notice = doneNotice(r.URL.Query().Get("done"))
	v := electionView{adminPage: p, Slug: slug, Heading: d.Title, State: stateText(e.State), Timezone: d.Timezone,
		Nominations: election.FormatWindow(d.Nominations, d.Location), Voting: election.FormatWindow(d.Voting, d.Location),
		TenureStarts: election.FormatDate(d.TenureStarts),
		Decidable:    e.State == election.NominationsOpen || e.State == election.NominationsClosed}
	if !d.RollCloses.IsZero() {
		v.RollCloses = election.FormatTime(d.RollCloses, d.Location)
	}
	if s.turnouts != nil {
		t, err := s.turnouts.Turnout(r.Context(), slug)
		if err != nil {
			return err
		}
		v.HasTurnout, v.Eligible, v.Voted = true, t.Eligible, t.Voted
		v.Share = fmt.Sprintf("%.1f%%", 100*t.Share())
		labels, values := make([]string, len(t.ByHour)), make([]int, len(t.ByHour))
		for i, h := range t.ByHour {
			labels[i] = h.Start.Format("Mon 2 Jan 15:04 MST")
			values[i] = h.Voted
			v.Hours = append(v.Hours, hourRow{labels[i], h.Voted})
		}
		v.Chart = newBarChart("Ballots cast in each hour, "+d.Timezone+" time", labels, values, "ballots")
	}
	if err := s.fillCandidates(r, &v, d); err != nil {
		return err
	}
	if err := s.fillCount(r, &v, e.State); err != nil {
		return err
	}
	return s.views.render(w, http.StatusOK, "admin_election", v)
}

func (s *Server) fillCandidates(r *http.Request, v *electionView, d *election.Definition) error {
	var cands []election.Candidate
	if s.candidates != nil {
		var err error
		if cands, err = s.candidates.Candidates(r.Context(), v.Slug); err != nil {
			return err
		}
	}
	decl, err := s.dash.Data.CandidateDeclarations(r.Context(), v.Slug)
	if err != nil {
		return err
	}
	for _, pos := range d.Positions {
		pv := dashPosition{Key: pos.Key, Title: pos.Title, Description: pos.Description, Seats: pos.Seats,
			TenureMonths: pos.TenureMonths, CoOfficership: pos.CoOfficership, Declarations: pos.Declarations}
		for _, c := range cands {
			if c.PositionKey != pos.Key {
				continue
			}
			cv := dashCandidate{ID: c.ID, ContactID: c.ContactID, Name: c.Name, Status: string(c.Status),
				Reason: c.RejectionReason, Statement: c.Statement, Words: election.CountWords(c.Statement),
				CoConsent: c.CoOfficershipConsent, Declared: decl[c.ID]}
			if v.Decidable && v.CanAct && c.Status != election.Withdrawn {
				cv.CanAccept = c.Status != election.Accepted
				cv.CanReject = c.Status != election.Rejected
			}
			pv.Candidates = append(pv.Candidates, cv)
		}
		v.Positions = append(v.Positions, pv)
	}
	return nil
}

// doneNotice is what the page says after an action redirected to it. Only known codes
// are shown, so the URL cannot put words on the page.
func doneNotice(code string) string {
	return map[string]string{
		"accepted":  "The candidate was accepted.",
		"rejected":  "The candidate was rejected; they will see the reason.",
		"tie":       "The decision by lot was recorded and the count updated.",
		"published": "The results were published.",
		"writeback": "The elected officers were queued for CiviCRM; the outbox delivers them.",
	}[code]
}

// candidateParam reads the {id} of a candidate route.
func candidateParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest("%q is not a candidate number: open the election page and use its buttons", r.PathValue("id"))
	}
	return id, nil
}
