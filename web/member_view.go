package web

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/civivote/civivote/election"
)

// memberView is the data of the member's page during (and around) nominations.
type memberView struct {
	Title string
	// Heading is the election's title.
	Heading     string
	Name        string
	Slug        string
	CSRF        string
	Flash       string
	Contact     string
	Nominations string
	Voting      string
	// Open says the nomination form is shown; otherwise Closed says why not and when.
	Open         bool
	Closed       string
	After        bool // nominations have closed (rather than not yet opened)
	MaxWords     int
	OnePosition  bool
	Candidacies  []candidacyView
	Positions    []positionView
	Editing      bool
	Statement    string
	StatementErr []string
	PositionErr  []string
	// CoAllowed says some position may be held as a co-officership; SoloOnly names the
	// positions that may not.
	CoAllowed     bool
	SoloOnly      []string
	CoChecked     bool
	CoErr         []string
	Errors        []errorLink
	CandidatesURL string
}

// candidacyView is one of the member's own nominations.
type candidacyView struct {
	PositionKey   string
	PositionTitle string
	Status        string
	Reason        string
	Active        bool
	CoOfficership bool
	WithdrawURL   string
}

// positionView is a position as the page lists it and as the form offers it.
type positionView struct {
	Key           string
	Title         string
	Description   []string
	Seats         int
	TenureMonths  int
	CoOfficership bool
	Checked       bool
	Declarations  []declarationView
	DeclErr       []string
}

type declarationView struct {
	ID, Name, Text string
	Checked        bool
}

// errorLink is one line of the error summary, linking to the field it is about.
type errorLink struct {
	Href, Message string
}

// nominationInput is what the member submitted, kept to fill the form again.
type nominationInput struct {
	position  string
	statement string
	decls     map[string][]bool // by position key
	co        bool
}

// readNomination reads the form. Declarations are sent for every position (the page
// works without JavaScript) and only the chosen position's count; co-officership consent
// is one box that counts only for a position that allows it.
func readNomination(form url.Values, d *election.Definition) (nominationInput, election.Nomination) {
	in := nominationInput{position: form.Get("position"), statement: form.Get("statement"),
		decls: map[string][]bool{}, co: form.Get("co_officership") == "yes"}
	for _, p := range d.Positions {
		ticks := make([]bool, len(p.Declarations))
		for i := range ticks {
			ticks[i] = form.Get(declName(p.Key, i)) == "yes"
		}
		in.decls[p.Key] = ticks
	}
	n := election.Nomination{PositionKey: in.position, Statement: in.statement}
	if p, ok := d.Position(in.position); ok {
		n.Declarations = in.decls[in.position]
		n.CoOfficership = in.co && p.CoOfficership
	}
	return in, n
}

func declName(key string, i int) string { return fmt.Sprintf("decl-%s-%d", key, i) }

// newMemberView builds the page for m from its candidacies, filling the form from in
// (after a failed submit) or from the member's standing nomination.
func (s *Server) newMemberView(m *member, own []election.Candidate, in *nominationInput) *memberView {
	e := m.Election
	d := e.Definition
	v := &memberView{
		Title: "Nominations – " + d.Title, Heading: d.Title, Name: m.Name, Slug: d.Slug,
		CSRF: s.formToken(m), Contact: s.contact, MaxWords: d.StatementMaxWords,
		OnePosition:   d.OnePositionPerMember,
		Nominations:   election.FormatWindow(d.Nominations, d.Location),
		Voting:        election.FormatWindow(d.Voting, d.Location),
		CandidatesURL: "/elections/" + d.Slug + "/candidates",
	}
	if err := e.CheckNominationsOpen(s.now()); err != nil {
		v.Closed = err.Error()
		v.After = !s.now().Before(d.Nominations.Opens) && e.State != election.Draft
	} else {
		v.Open = true
	}
	var standing *election.Candidate
	for i, c := range own {
		p, _ := d.Position(c.PositionKey)
		cv := candidacyView{PositionKey: c.PositionKey, PositionTitle: p.Title, Status: statusWords(c.Status),
			Reason: c.RejectionReason, Active: c.Active(), CoOfficership: c.CoOfficershipConsent}
		if v.Open && c.Active() {
			cv.WithdrawURL = memberPath(d.Slug) + "/withdraw?position=" + url.QueryEscape(c.PositionKey)
			if standing == nil && d.OnePositionPerMember {
				standing = &own[i]
			}
		}
		v.Candidacies = append(v.Candidacies, cv)
	}
	if in == nil && standing != nil {
		v.Editing = true
		in = &nominationInput{position: standing.PositionKey, statement: standing.Statement,
			decls: map[string][]bool{}, co: standing.CoOfficershipConsent}
		if p, ok := d.Position(standing.PositionKey); ok {
			ticks := make([]bool, len(p.Declarations))
			for i := range ticks {
				ticks[i] = true // a standing nomination had every declaration ticked
			}
			in.decls[p.Key] = ticks
		}
	}
	if in != nil {
		v.Statement = in.statement
		v.CoChecked = in.co
	}
	for _, p := range d.Positions {
		pv := positionView{Key: p.Key, Title: p.Title, Description: election.Paragraphs(p.Description),
			Seats: p.Seats, TenureMonths: p.TenureMonths, CoOfficership: p.CoOfficership}
		if in != nil {
			pv.Checked = in.position == p.Key
		}
		if p.CoOfficership {
			v.CoAllowed = true
		} else {
			v.SoloOnly = append(v.SoloOnly, p.Title)
		}
		for i, text := range p.Declarations {
			dv := declarationView{ID: declName(p.Key, i), Name: declName(p.Key, i), Text: text}
			if in != nil && i < len(in.decls[p.Key]) {
				dv.Checked = in.decls[p.Key][i]
			}
			pv.Declarations = append(pv.Declarations, dv)
		}
		v.Positions = append(v.Positions, pv)
	}
	return v
}

// addErrors puts err's problems next to their fields and in the summary, each linked to
// the field it is about. A conflict (already standing elsewhere) belongs to the position.
func (v *memberView) addErrors(err error) {
	var fe *election.FormError
	problems := []election.FieldError{{Field: "position", Message: err.Error()}}
	if errors.As(err, &fe) {
		problems = fe.Problems
	}
	v.Title = "Error: " + v.Title
	chosen := -1
	for i, p := range v.Positions {
		if p.Checked {
			chosen = i
		}
	}
	for _, p := range problems {
		href := "#nominate"
		switch {
		case p.Field == "statement":
			href = "#statement"
			v.StatementErr = append(v.StatementErr, p.Message)
		case p.Field == "declarations" && chosen >= 0:
			pv := &v.Positions[chosen]
			href = "#" + pv.Key + "-extras"
			if len(pv.Declarations) > 0 {
				href = "#" + pv.Declarations[0].ID
				for _, d := range pv.Declarations {
					if !d.Checked {
						href = "#" + d.ID
						break
					}
				}
			}
			pv.DeclErr = append(pv.DeclErr, p.Message)
		case p.Field == "co_officership" && v.CoAllowed:
			href = "#co_officership"
			v.CoErr = append(v.CoErr, p.Message)
		default:
			if len(v.Positions) > 0 {
				href = "#position-" + v.Positions[0].Key
				if chosen >= 0 {
					href = "#position-" + v.Positions[chosen].Key
				}
			}
			v.PositionErr = append(v.PositionErr, p.Message)
		}
		v.Errors = append(v.Errors, errorLink{Href: href, Message: p.Message})
	}
}

// statusWords says where a nomination stands, in words for the member.
func statusWords(st election.CandidateStatus) string {
	switch st {
	case election.Pending:
		return "Waiting for the election committee to check it"
	case election.Accepted:
		return "Accepted: you are a candidate"
	case election.Rejected:
		return "Not accepted by the election committee"
	case election.Withdrawn:
		return "Withdrawn"
	}
	return string(st)
}
