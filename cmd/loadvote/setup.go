package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/go-sql-driver/mysql"
)

// createDatabase creates a fresh database on the server dsn names and returns its DSN and
// a function that drops it.
func createDatabase(ctx context.Context, serverDSN string) (string, func() error, error) {
	cfg, err := mysql.ParseDSN(serverDSN)
	if err != nil {
		return "", nil, fmt.Errorf("-dsn: %w", err)
	}
	cfg.DBName = ""
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("civivote_loadvote_%d", time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database on %s: %w", cfg.Addr, err)
	}
	drop := func() error {
		defer admin.Close()
		_, err := admin.ExecContext(context.Background(), "DROP DATABASE `"+name+"`")
		return err
	}
	c := cfg.Clone()
	c.DBName = name
	return c.FormatDSN(), drop, nil
}

// addMembers puts n members in good standing on the roster, contacts 1…n, as a
// successful roster sync would leave them (the sync itself needs CiviCRM).
func addMembers(ctx context.Context, db *store.DB, n int, now time.Time) error {
	for start := 0; start < n; start += 1000 {
		var q strings.Builder
		var args []any
		q.WriteString(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at) VALUES `)
		for k := range min(1000, n-start) {
			if k > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?, ?, TRUE, ?, ?)")
			id := int64(start + k + 1)
			args = append(args, id, fmt.Sprintf("Member %d", id), now, now)
		}
		if _, err := db.SQL().ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("add members: %w", err)
		}
	}
	return nil
}

// fixtureTime matches the definition's local times and dates.
var fixtureTime = regexp.MustCompile(`\b(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2})?\b`)

// shiftFixture renames the fixture to slug and moves every date in it by whole days so
// that voting opened yesterday (at the fixture's time of day) and nominations closed
// before that: the real clock is then inside the voting window for about four weeks.
func shiftFixture(src []byte, slug string, now time.Time) (*election.Definition, []byte, error) {
	def, err := election.Parse(bytes.NewReader(src), "fixture")
	if err != nil {
		return nil, nil, err
	}
	opens := def.Voting.Opens.In(def.Location)
	today := now.In(def.Location)
	days := int(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC).Sub(
		time.Date(opens.Year(), opens.Month(), opens.Day(), 0, 0, 0, 0, time.UTC)).Hours()/24) - 1
	shifted := fixtureTime.ReplaceAllFunc(src, func(m []byte) []byte {
		layout := "2006-01-02"
		if len(m) > len(layout) {
			layout = "2006-01-02T15:04"
		}
		t, err := time.Parse(layout, string(m))
		if err != nil {
			return m
		}
		return []byte(t.AddDate(0, 0, days).Format(layout))
	})
	shifted = regexp.MustCompile(`(?m)^slug: .*$`).ReplaceAll(shifted, []byte("slug: "+slug))
	def, err = election.Parse(bytes.NewReader(shifted), slug+".yaml")
	if err != nil {
		return nil, nil, fmt.Errorf("shifted fixture: %w", err)
	}
	if !def.Voting.Contains(now) {
		return nil, nil, fmt.Errorf("shifted fixture: voting %s does not contain now", election.FormatWindow(def.Voting, def.Location))
	}
	return def, shifted, nil
}

// ballotCandidates are the nominations made in every load election: Treasurer becomes a
// two-seat co-officership, Membership Officer keeps one seat with two candidates.
var ballotCandidates = []struct {
	contact  int64
	position string
	co       bool
}{
	{1, "treasurer", true}, {2, "treasurer", true},
	{3, "membership-officer", true}, {4, "membership-officer", false},
	{5, "co-secretary-2y", false},
}

// openElection applies the shifted fixture as slug, opens nominations (issuing a link to
// every member), nominates and accepts the candidates, and advances to voting_open at
// now. It returns the form values of the ballot every load client casts.
func openElection(ctx context.Context, db *store.DB, lc store.LinkConfig, fixture []byte, slug string, now time.Time) (map[string][]string, error) {
	def, src, err := shiftFixture(fixture, slug, now)
	if err != nil {
		return nil, err
	}
	if _, err := db.ApplyElection(ctx, def, src, "loadvote", now); err != nil {
		return nil, err
	}
	inNominations := def.Nominations.Opens.Add(time.Hour)
	if _, err := db.AdvanceDue(ctx, lc, inNominations); err != nil {
		return nil, err
	}
	ids := map[string][]int64{}
	for _, c := range ballotCandidates {
		v, err := db.VoterByToken(ctx, election.HashToken(election.DeriveToken(lc.Secret, slug, c.contact, 0)))
		if err != nil {
			return nil, fmt.Errorf("candidate %d: %w", c.contact, err)
		}
		got, err := db.Nominate(ctx, v, election.Nomination{PositionKey: c.position,
			Statement: fmt.Sprintf("Member %d for %s.", c.contact, c.position), CoOfficership: c.co}, inNominations)
		if err != nil {
			return nil, fmt.Errorf("nominate %d: %w", c.contact, err)
		}
		if err := db.AcceptCandidate(ctx, slug, got.ID, "loadvote", inNominations); err != nil {
			return nil, err
		}
		ids[c.position] = append(ids[c.position], got.ID)
	}
	if _, err := db.AdvanceDue(ctx, lc, now); err != nil {
		return nil, err
	}
	e, err := db.GetElection(ctx, slug)
	if err != nil {
		return nil, err
	}
	if e.State != election.VotingOpen {
		return nil, fmt.Errorf("election %s is %s, want voting_open", slug, e.State)
	}
	form := map[string][]string{
		"treasurer":          {fmt.Sprint(ids["treasurer"][0]), fmt.Sprint(ids["treasurer"][1])},
		"membership-officer": {fmt.Sprint(ids["membership-officer"][1])},
		"co-secretary-2y":    {election.RONFormValue},
	}
	paper, err := db.BallotPaper(ctx, &e.Election)
	if err != nil {
		return nil, err
	}
	choices, err := paper.ParseForm(form)
	if err == nil {
		err = paper.Validate(choices)
	}
	if err != nil {
		return nil, fmt.Errorf("the load ballot does not fit the paper: %w", err)
	}
	return form, nil
}
