package web

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
)

// resultsView is the data of the public results page.
type resultsView struct {
	Title, Heading string
	Revision       int
	Published      string
	Voting         string
	BallotsCast    string
	Eligible       string
	TurnoutPercent string
	Challenges     election.ChallengeCounts
	Positions      []positionResultView
	// Digests in hex; Signature and PublicKey in base64, empty when unsigned.
	ResultsSHA256, BallotsSHA256 string
	Signature, PublicKey         string
	Base                         string // /elections/SLUG
}

// positionResultView is one position's result as the page shows it.
type positionResultView struct {
	Key, Title  string
	Seats       int
	Tenure      string
	Elected     []string
	RONElected  bool
	EmptySeats  int
	Rows        []resultRow
	Abstentions int
	BlankShare  string
	ValidVotes  int
	Chart       resultsChart
	Resolutions []resolutionView
}

// resultRow is one choice in a position's table and chart.
type resultRow struct {
	Name    string
	Votes   int
	Share   string // of the ballots cast
	Elected bool
}

type resolutionView struct {
	Winner, Tied, Reason string
}

// handleResultsPage serves GET /elections/{slug}/results: the published results, with
// a chart and a table per position, the elected officers, turnout, ties resolved by lot,
// and what an observer needs to check and recount them.
func (s *Server) handleResultsPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.results.Publication(r.Context(), r.PathValue("slug"))
	if errors.Is(err, election.ErrNotFound) {
		return s.renderUnpublished(w, r)
	}
	if err != nil {
		return err
	}
	doc, err := election.ParseResults(p.ResultsJSON)
	if err != nil {
		return fmt.Errorf("web: published results of %s: %w", p.Slug, err)
	}
	loc, err := time.LoadLocation(doc.Election.Timezone)
	if err != nil {
		return fmt.Errorf("web: published results of %s: %w", p.Slug, err)
	}
	v := resultsView{
		Title: "Results – " + doc.Election.Title, Heading: doc.Election.Title,
		Revision:       doc.Revision,
		Published:      election.FormatTime(doc.PublishedAt, loc),
		Voting:         election.FormatWindow(election.Window{Opens: doc.Election.VotingOpens, Closes: doc.Election.VotingCloses}, loc),
		BallotsCast:    thousands(doc.BallotsCast),
		Eligible:       thousands(doc.Eligible),
		TurnoutPercent: doc.TurnoutPercent,
		Challenges:     doc.Challenges,
		ResultsSHA256:  hex.EncodeToString(p.ResultsSHA256[:]),
		BallotsSHA256:  doc.BallotsSHA256,
		Base:           "/elections/" + p.Slug,
	}
	if p.ResultsSignature != nil {
		v.Signature = base64.StdEncoding.EncodeToString(p.ResultsSignature)
		v.PublicKey = base64.StdEncoding.EncodeToString(p.SigningPublicKey)
	}
	for _, pd := range doc.Positions {
		v.Positions = append(v.Positions, positionResults(doc, pd))
	}
	w.Header().Set("Cache-Control", "no-cache")
	return s.views.render(w, http.StatusOK, "results", v)
}

func positionResults(doc *election.ResultsDoc, pd election.PositionDoc) positionResultView {
	pv := positionResultView{
		Key: pd.Key, Title: pd.Title, Seats: pd.Seats,
		Tenure:     "from " + formatDocDate(pd.TenureStarts) + " to " + formatDocDate(pd.TenureEnds),
		RONElected: pd.RONElected, EmptySeats: pd.EmptySeats,
		Abstentions: pd.Abstentions, BlankShare: share(pd.Abstentions, doc.BallotsCast),
		ValidVotes: pd.ValidVotes,
	}
	names := map[string]string{election.RONFormValue: "Re-open nominations"}
	for _, c := range pd.Candidates {
		names[c.ID] = c.Name
		pv.Rows = append(pv.Rows, resultRow{Name: c.Name, Votes: c.Votes, Share: share(c.Votes, doc.BallotsCast), Elected: c.Elected})
	}
	if pd.ReopenNominations {
		pv.Rows = append(pv.Rows, resultRow{Name: "Re-open nominations", Votes: pd.RONVotes, Share: share(pd.RONVotes, doc.BallotsCast), Elected: pd.RONElected})
	}
	for _, id := range pd.Elected {
		pv.Elected = append(pv.Elected, names[id])
	}
	for _, res := range pd.Resolutions {
		tied := make([]string, len(res.Tied))
		for i, id := range res.Tied {
			tied[i] = names[id]
		}
		pv.Resolutions = append(pv.Resolutions, resolutionView{Winner: names[res.Winner], Tied: strings.Join(tied, ", "), Reason: res.Reason})
	}
	pv.Chart = newResultsChart(pv.Rows)
	return pv
}

// formatDocDate writes a results.json date (YYYY-MM-DD, checked by ParseResults) as
// members read dates.
func formatDocDate(s string) string {
	d, err := election.ParseDate(s)
	if err != nil {
		return s
	}
	return election.FormatDate(d)
}

// share writes part/whole as a percentage with one decimal, rounded half up.
func share(part, whole int) string {
	if whole <= 0 {
		return "0.0%"
	}
	tenths := (int64(part)*2000 + int64(whole)) / (2 * int64(whole))
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// thousands writes n with commas between groups of three digits: 12,345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// unpublishedView is the page shown at a results address before publication.
type unpublishedView struct {
	Title, Heading string
	Election       string
	// Voting says when voting closes or closed; empty when the election is unknown here.
	Voting  string
	Closed  bool
	Contact string
}

// renderUnpublished answers 404 with a page saying the results are not published yet
// and when voting closes. An unknown election gets the ordinary 404 page (when the
// public candidates store is configured to tell them apart).
func (s *Server) renderUnpublished(w http.ResponseWriter, r *http.Request) error {
	v := unpublishedView{Title: "Results not published yet", Heading: "The results are not published yet", Contact: s.contact}
	if s.publicCandidates != nil {
		e, _, err := s.publicCandidates.PublicCandidates(r.Context(), r.PathValue("slug"))
		if err != nil {
			return err
		}
		d := e.Definition
		v.Election = d.Title
		v.Title = "Results not published yet – " + d.Title
		v.Closed = !s.now().Before(d.Voting.Closes)
		v.Voting = d.FormatTime(d.Voting.Closes)
	}
	w.Header().Set("Cache-Control", "no-cache")
	return s.views.render(w, http.StatusNotFound, "results_unpublished", v)
}
