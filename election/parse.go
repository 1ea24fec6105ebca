package election

import (
	"fmt"
	"io"
	"time"
	// Embedded zone data: civivote ships as a static binary, often in an image with no
	// /usr/share/zoneinfo, and an election must not fail to load because of that.
	_ "time/tzdata"

	yaml "go.yaml.in/yaml/v3"
)

var (
	topFields = []string{"slug", "title", "timezone", "nominations", "voting", "tenure_starts",
		"statement_max_words", "one_position_per_member", "reopen_nominations", "roll_closes",
		"challenged_ballots", "positions"}
	windowFields   = []string{"opens", "closes"}
	positionFields = []string{"key", "title", "description", "seats", "tenure_months",
		"co_officership", "declarations"}
)

// Parse reads an election definition in the YAML format of DESIGN.md and validates it.
// filename is used only in messages. On failure the error is a *DefinitionError
// listing every problem found, each as "file:line:column: message" (kind ErrInvalid).
func Parse(r io.Reader, filename string) (*Definition, error) {
	d := &decoder{file: filename, at: map[string]*yaml.Node{}}
	root := d.root(r)
	if root == nil {
		return nil, d.err()
	}
	def := &Definition{}
	f := d.mapping(root, "", topFields)

	def.Slug = d.text(f["slug"], "slug", "a short name for URLs, like wise-ra-2023", true)
	def.Title = d.text(f["title"], "title", "the election's full title", true)
	def.Timezone = d.text(f["timezone"], "timezone", "an IANA time zone such as Europe/London", true)
	if def.Timezone != "" {
		loc, err := time.LoadLocation(def.Timezone)
		if err != nil || def.Timezone == "Local" {
			d.problemAt("timezone", "timezone %q is not an IANA time zone name; use one like Europe/London or America/Vancouver", def.Timezone)
		} else {
			def.Location = loc
		}
	}
	// Times can only be converted once the zone is known; without it, check their
	// spelling against UTC so those mistakes are still all reported now.
	loc := def.Location
	if loc == nil {
		loc = time.UTC
	}
	def.Nominations = d.window(f["nominations"], "nominations", loc)
	def.Voting = d.window(f["voting"], "voting", loc)
	if n := f["roll_closes"]; n != nil {
		def.RollCloses = d.local(n, "roll_closes", loc, false)
	}
	if s, ok := d.scalar(f["tenure_starts"], "tenure_starts", "the first day in office, written YYYY-MM-DD", true); ok {
		date, err := ParseDate(s)
		if err != nil {
			d.problemAt("tenure_starts", "tenure_starts: %v", err)
		}
		def.TenureStarts = date
	}
	if v, ok := d.integer(f["statement_max_words"], "statement_max_words"); ok {
		def.StatementMaxWords = v
		if v < 1 {
			d.problemAt("statement_max_words", "statement_max_words must be at least 1, got %d", v)
		}
	}
	def.OnePositionPerMember = d.boolean(f["one_position_per_member"], "one_position_per_member")
	def.ReopenNominations = d.boolean(f["reopen_nominations"], "reopen_nominations")
	def.ChallengedBallots = d.boolean(f["challenged_ballots"], "challenged_ballots")

	items := d.sequence(f["positions"], "positions", "positions")
	if len(items) == 0 && f["positions"] != nil {
		d.problemAt("positions", "positions is empty; list at least one position to elect")
	} else if f["positions"] == nil {
		d.problem(root, "positions is missing; list the positions to elect")
	}
	for i, n := range items {
		def.Positions = append(def.Positions, d.position(n, fmt.Sprintf("positions[%d]", i)))
	}

	if def.Location != nil {
		d.checkWindows(def)
	}
	d.checkIdentifiers(def)
	if err := d.err(); err != nil {
		return nil, err
	}
	return def, nil
}

func (d *decoder) window(n *yaml.Node, path string, loc *time.Location) Window {
	if n == nil {
		d.problemAt(path, "%s is missing; give it as {opens: YYYY-MM-DDTHH:MM, closes: YYYY-MM-DDTHH:MM}", path)
		return Window{}
	}
	f := d.mapping(n, path, windowFields)
	return Window{
		Opens:  d.local(f["opens"], path+".opens", loc, true),
		Closes: d.local(f["closes"], path+".closes", loc, true),
	}
}

func (d *decoder) local(n *yaml.Node, path string, loc *time.Location, required bool) time.Time {
	s, ok := d.scalar(n, path, "a local time written YYYY-MM-DDTHH:MM", required)
	if !ok {
		return time.Time{}
	}
	t, err := ParseLocal(s, loc)
	if err != nil {
		d.problem(n, "%s: %v", path, err)
		return time.Time{}
	}
	return t.UTC()
}

func (d *decoder) position(n *yaml.Node, path string) Position {
	f := d.mapping(n, path, positionFields)
	p := Position{
		Key:         d.text(f["key"], path+".key", "a short name for URLs, like treasurer", true),
		Title:       d.text(f["title"], path+".title", "the position's title as members will read it", true),
		Description: d.text(f["description"], path+".description", "the role description", false),
	}
	if v, ok := d.integer(f["seats"], path+".seats"); ok {
		p.Seats = v
		if v < 1 {
			d.problemAt(path+".seats", "%s.seats must be at least 1, got %d", path, v)
		}
	}
	if v, ok := d.integer(f["tenure_months"], path+".tenure_months"); ok {
		p.TenureMonths = v
		if v < 1 {
			d.problemAt(path+".tenure_months", "%s.tenure_months must be at least 1, got %d", path, v)
		}
	}
	p.CoOfficership = d.boolean(f["co_officership"], path+".co_officership")
	if p.CoOfficership && p.Seats > 1 {
		d.problemAt(path+".co_officership",
			"%s.co_officership only applies to a one-seat position (it lets one seat become two when all candidates agree), "+
				"but seats is %d; remove co_officership or set seats to 1", path, p.Seats)
	}
	for i, dn := range d.sequence(f["declarations"], path+".declarations", "declarations") {
		dp := fmt.Sprintf("%s.declarations[%d]", path, i)
		d.at[dp] = dn
		if s := d.text(dn, dp, "the text a candidate ticks", true); s != "" {
			p.Declarations = append(p.Declarations, s)
		}
	}
	return p
}
