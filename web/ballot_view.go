package web

import (
	"errors"
	"strconv"

	"github.com/civivote/civivote/election"
)

// changeField is the review form's "Change my choices" flag. Position keys are lowercase
// letters, digits and hyphens, so a name with an underscore can never be one.
const changeField = "change_choices"

// ballotView is the data of the ballot page.
type ballotView struct {
	Title, Heading, Name, Slug, CSRF, Contact string
	// Closes says when voting closes, in the election's time zone.
	Closes string
	// Reopen says the election offers "Re-open nominations" on its positions.
	Reopen        bool
	Contests      []contestView
	Errors        []errorLink
	CandidatesURL string
}

// contestView is one position on the ballot.
type contestView struct {
	Key, Title  string
	Description []string
	Seats       int
	// Multi says the member may choose more than one: checkboxes rather than radios.
	Multi   bool
	Options []optionView
	// Blank is the one-seat "leave blank" radio, checked when nothing else is.
	Blank optionView
	Err   []string
}

// optionView is one choice on a position: a candidate or Re-open nominations.
type optionView struct {
	ID, Value, Label string
	Statement        []string
	CoOfficer        bool
	RON              bool
	Checked          bool
}

// FirstID is the id of the position's first input, where its error links point.
func (c contestView) FirstID() string {
	if len(c.Options) > 0 {
		return c.Options[0].ID
	}
	return c.Blank.ID
}

// names maps candidate ids to the accepted candidates, for labels and statements.
func names(cands []election.Candidate) map[int64]election.Candidate {
	m := make(map[int64]election.Candidate, len(cands))
	for _, c := range cands {
		m[c.ID] = c
	}
	return m
}

// choiceLabel is how the ballot and the review page name a choice.
func choiceLabel(id int64, byID map[int64]election.Candidate) string {
	if id == election.RON {
		return "Re-open nominations"
	}
	if c, ok := byID[id]; ok {
		return c.Name
	}
	return "Candidate " + strconv.FormatInt(id, 10)
}

func formValue(id int64) string {
	if id == election.RON {
		return election.RONFormValue
	}
	return strconv.FormatInt(id, 10)
}

// newBallotView builds the ballot for m from the paper, ticking what form (the member's
// earlier submission, or nil) chose.
func (s *Server) newBallotView(m *member, paper *election.BallotPaper, cands []election.Candidate, form map[string][]string) *ballotView {
	d := m.Election.Definition
	v := &ballotView{
		Title: "Your ballot – " + d.Title, Heading: d.Title, Name: m.Name, Slug: d.Slug,
		CSRF: s.formToken(m), Contact: s.contact, Closes: d.FormatTime(d.Voting.Closes),
		Reopen: d.ReopenNominations, CandidatesURL: "/elections/" + d.Slug + "/candidates",
	}
	byID := names(cands)
	for _, con := range paper.Contests() {
		chosen := map[string]bool{}
		for _, val := range form[con.Key] {
			chosen[val] = true
		}
		cv := contestView{Key: con.Key, Title: con.Title, Seats: con.Seats, Multi: con.Seats > 1}
		if p, ok := d.Position(con.Key); ok {
			cv.Description = election.Paragraphs(p.Description)
		}
		ids := con.Candidates
		if con.ReopenNominations {
			ids = append(ids[:len(ids):len(ids)], election.RON)
		}
		ticked := false
		for _, id := range ids {
			val := formValue(id)
			o := optionView{ID: con.Key + "-" + val, Value: val, Label: choiceLabel(id, byID), RON: id == election.RON,
				Checked: chosen[val]}
			if c, ok := byID[id]; ok {
				o.Statement = election.Paragraphs(c.Statement)
				o.CoOfficer = c.CoOfficershipConsent
			}
			ticked = ticked || o.Checked
			cv.Options = append(cv.Options, o)
		}
		cv.Blank = optionView{ID: con.Key + "-blank", Label: "Leave blank (abstain)", Checked: !ticked}
		v.Contests = append(v.Contests, cv)
	}
	return v
}

// addErrors puts each problem next to its position and in the summary, linked to the
// position's first choice. Problems not about a position go to the top of the ballot.
func (v *ballotView) addErrors(err error) {
	problems := []election.FieldError{{Message: err.Error()}}
	var fe *election.FormError
	if errors.As(err, &fe) {
		problems = fe.Problems
	}
	v.Title = "Error: " + v.Title
	for _, p := range problems {
		href := "#ballot"
		for i := range v.Contests {
			if c := &v.Contests[i]; c.Key == p.Field {
				c.Err = append(c.Err, p.Message)
				href = "#" + c.FirstID()
			}
		}
		v.Errors = append(v.Errors, errorLink{Href: href, Message: p.Message})
	}
}

// reviewView is the data of the page that shows the member their choices before casting.
type reviewView struct {
	Title, Heading, Slug, CSRF, Contact string
	Closes                              string
	Contests                            []reviewContest
	// Hidden carries the choices to the cast (and back to the ballot).
	Hidden []hiddenField
	// Blanks counts the positions left blank.
	Blanks int
}

type reviewContest struct {
	Key, Title string
	Seats      int
	Chosen     []string
}

type hiddenField struct{ Name, Value string }

// newReviewView lists choices per position in ballot order, blank ones included.
func (s *Server) newReviewView(m *member, paper *election.BallotPaper, cands []election.Candidate, choices election.Choices) *reviewView {
	d := m.Election.Definition
	v := &reviewView{Title: "Check your choices – " + d.Title, Heading: d.Title, Slug: d.Slug,
		CSRF: s.formToken(m), Contact: s.contact, Closes: d.FormatTime(d.Voting.Closes)}
	byID := names(cands)
	for _, con := range paper.Contests() {
		rc := reviewContest{Key: con.Key, Title: con.Title, Seats: con.Seats}
		for _, id := range choices[con.Key] {
			rc.Chosen = append(rc.Chosen, choiceLabel(id, byID))
			v.Hidden = append(v.Hidden, hiddenField{Name: con.Key, Value: formValue(id)})
		}
		if len(rc.Chosen) == 0 {
			v.Blanks++
		}
		v.Contests = append(v.Contests, rc)
	}
	return v
}
