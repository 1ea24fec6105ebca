package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"regexp"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
)

// demoFixture is the WISE-RA reference fixture (shared/elections/wise-ra-2023.yaml),
// embedded because the demo runs where the shared folder is not.
//
//go:embed demodata/wise-ra-2023.yaml
var demoFixture []byte

// demoSlug is the fixture's slug, kept so that the demo's pages read as the real election.
const demoSlug = "wise-ra-2023"

// demoTime matches the fixture's local times and dates.
var demoTime = regexp.MustCompile(`\b(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2})?\b`)

// demoElection moves every time in the fixture by one amount, so that voting opened an
// hour before now (nominations closed just before it) and the windows keep their lengths:
// voting stays open for four weeks. Wall-clock times are shifted in the election's zone.
func demoElection(now time.Time) (*election.Definition, []byte, error) {
	def, err := election.Parse(bytes.NewReader(demoFixture), "wise-ra-2023.yaml")
	if err != nil {
		return nil, nil, fmt.Errorf("the embedded WISE-RA fixture: %w", err)
	}
	wall := func(t time.Time) time.Time {
		t = t.In(def.Location)
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	}
	shift := wall(now).Add(-time.Hour).Sub(wall(def.Voting.Opens))
	days := int((shift + 23*time.Hour) / (24 * time.Hour))
	src := demoTime.ReplaceAllFunc(demoFixture, func(m []byte) []byte {
		if len(m) == len("2006-01-02") {
			d, err := time.Parse(time.DateOnly, string(m))
			if err != nil {
				return m
			}
			return []byte(d.AddDate(0, 0, days).Format(time.DateOnly))
		}
		t, err := time.Parse("2006-01-02T15:04", string(m))
		if err != nil {
			return m
		}
		return []byte(t.Add(shift).Format("2006-01-02T15:04"))
	})
	def, err = election.Parse(bytes.NewReader(src), "wise-ra-2023.yaml")
	if err != nil {
		return nil, nil, fmt.Errorf("the WISE-RA fixture with its dates moved: %w", err)
	}
	if !def.Voting.Contains(now) || !def.Nominations.Closes.Before(now) {
		return nil, nil, fmt.Errorf("the WISE-RA fixture with its dates moved does not have voting open now (%s)",
			election.FormatWindow(def.Voting, def.Location))
	}
	return def, src, nil
}

// demoCandidate is one nomination the demo makes through a member's link.
type demoCandidate struct {
	position  string
	co        bool // agrees to a co-officership
	statement string
}

// demoCandidates fill the ballot so it shows each case: Treasurer and Data Protection
// Officer become two-seat co-officerships (every candidate agrees), Organising Department
// Chair keeps one seat (one candidate declines), Co-Secretary (1-year) is uncontested, and
// the lone Complaints Officer candidate is one members may well turn down for Re-open
// nominations.
func demoCandidates() []demoCandidate {
	return []demoCandidate{
		{"co-secretary-2y", false, "I have chaired our branch for three years and sat on the Administration Department since 2021.\n\nAs Co-Secretary I would keep the Rule Book current, answer the Secretary inbox within a week, and publish minutes of every meeting within a fortnight. I will hand over properly at the end of my term."},
		{"co-secretary-2y", false, "Union members deserve a secretariat that answers them. I organised the 2022 hospitality campaign and know how much depends on admin that works.\n\nI will set up a shared calendar for all departments and a monthly open call for members' questions."},
		{"co-secretary-1y", false, "I stood in as acting Co-Secretary last year and would like to finish the policy-manual rewrite I started. One year is what it needs."},
		{"treasurer", true, "Qualified bookkeeper; branch treasurer since 2020. I will publish a plain-language budget each quarter and move expenses to a two-signature online approval, so nobody waits a month to be reimbursed."},
		{"treasurer", true, "I run the finances of a food co-op and would share this role gladly. Priorities: clear reports to every Regional Administration meeting, and funding branches on time."},
		{"treasurer", true, "I have been on the Finance Committee for two years. I want our strike fund rules written down and our accounts examined every year by members who are not officers."},
		{"data-protection-officer", true, "I work in information governance. I will review our retention policy, train every role holder in their first month, and answer subject access requests well inside the legal deadline."},
		{"data-protection-officer", true, "Happy to share this role. I helped move our membership records into CiviCRM and know where the personal data lives, and who can see it."},
		{"organising-dept-chair", true, "Organiser with the couriers' network. I want every new organising drive to get a mentor within a week of asking."},
		{"organising-dept-chair", false, "I would chair the department on my own terms: monthly meetings, quarterly reports to the DEC, and a budget line for organiser training."},
		{"communications-dept-chair", true, "Editor of the newsletter since 2022. I will recruit moderators for every forum and publish a communications policy members can read in five minutes."},
		{"complaints-officer", false, "I can do this."},
	}
}

// nominateDemoCandidates nominates and accepts demoCandidates through the members' own
// links (store.Nominate, as the nomination form does) at the time at, inside nominations.
// members are contacts in good standing; the i-th candidate is members[i*stride].
func nominateDemoCandidates(ctx context.Context, db *store.DB, lc store.LinkConfig, members []int64, at time.Time) (int, error) {
	cands := demoCandidates()
	if len(members) < len(cands) {
		return 0, fmt.Errorf("the roster has %d members in good standing; the demo needs at least %d candidates", len(members), len(cands))
	}
	stride := len(members) / len(cands)
	for i, c := range cands {
		contact := members[i*stride]
		v, err := db.VoterByToken(ctx, election.HashToken(election.DeriveToken(lc.Secret, demoSlug, contact, 0)))
		if err != nil {
			return i, fmt.Errorf("the link of candidate %d: %w", contact, err)
		}
		got, err := db.Nominate(ctx, v, election.Nomination{PositionKey: c.position, Statement: c.statement, CoOfficership: c.co}, at)
		if err != nil {
			return i, fmt.Errorf("nominate member %d for %s: %w", contact, c.position, err)
		}
		if err := db.AcceptCandidate(ctx, demoSlug, got.ID, "demo", at); err != nil {
			return i, fmt.Errorf("accept member %d for %s: %w", contact, c.position, err)
		}
	}
	return len(cands), nil
}

// demoChoices makes one synthetic voter's choices: most vote in every contested position,
// favouring the first candidates; some leave positions blank; Re-open nominations takes
// most votes where a lone candidate's statement gives members nothing to go on.
func demoChoices(rng *rand.Rand, paper *election.BallotPaper) election.Choices {
	c := election.Choices{}
	for _, con := range paper.Contests() {
		if len(con.Candidates) == 0 || rng.IntN(100) < 8 {
			continue
		}
		ron := 6
		if con.Key == "complaints-officer" {
			ron = 58
		}
		if con.ReopenNominations && rng.IntN(100) < ron {
			c[con.Key] = []int64{election.RON}
			continue
		}
		// Weights 5, 4, 3…: an order that makes results differ from a coin toss.
		picked := map[int64]bool{}
		for len(picked) < con.Seats && len(picked) < len(con.Candidates) {
			total := 0
			for i := range con.Candidates {
				total += max(1, 5-i)
			}
			r := rng.IntN(total)
			for i, id := range con.Candidates {
				if r -= max(1, 5-i); r < 0 {
					if !picked[id] {
						picked[id] = true
						c[con.Key] = append(c[con.Key], id)
					}
					break
				}
			}
			if rng.IntN(100) < 30 {
				break // a voter may choose fewer than the seats
			}
		}
	}
	return c
}

// demoTiePosition is where the synthetic ballots tie, so that --fast shows the committee
// drawing lots: a one-seat position with two candidates.
const demoTiePosition = "co-secretary-2y"

// tieChoice sets the i-th of n synthetic voters' choice in demoTiePosition: the first two
// candidates in turn, the last voter of an odd n leaving it blank, so they tie.
func tieChoice(c election.Choices, paper *election.BallotPaper, i, n int) {
	for _, con := range paper.Contests() {
		if con.Key != demoTiePosition || len(con.Candidates) < 2 {
			continue
		}
		delete(c, con.Key)
		if i < n-n%2 {
			c[con.Key] = []int64{con.Candidates[i%2]}
		}
	}
}
