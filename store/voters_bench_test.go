package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// benchRoll is a database with the fixture election and n members in good standing.
func benchRoll(b *testing.B, n int) *store.DB {
	b.Helper()
	db := storetest.OpenDSN(b, storetest.NewDatabase(b))
	ctx := context.Background()
	src := fixtureBytes(b, "wise-ra-2023.yaml")
	def, err := election.Parse(bytes.NewReader(src), "wise-ra-2023.yaml")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ApplyElection(ctx, def, src, "bench", applyNow); err != nil {
		b.Fatal(err)
	}
	for start := 1; start <= n; start += 1000 {
		var q strings.Builder
		args := []any{}
		q.WriteString(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at) VALUES `)
		for c := start; c < start+1000 && c <= n; c++ {
			if c > start {
				q.WriteString(",")
			}
			q.WriteString("(?, 'Member', TRUE, ?, ?)")
			args = append(args, c, applyNow, applyNow)
		}
		if _, err := db.SQL().ExecContext(ctx, q.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// BenchmarkIssueLinks20000 issues the links of a 20,000-member roll: tokens derived, hashes
// stored and 40,000 outbox items queued, in transactions of 1,000 members.
func BenchmarkIssueLinks20000(b *testing.B) {
	const members = 20000
	db := benchRoll(b, members)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		for _, q := range []string{`DELETE FROM voters`, `DELETE FROM outbox`, `DELETE FROM audit_log WHERE action = 'links.issued'`} {
			if _, err := db.SQL().ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		rep, err := db.IssueLinks(ctx, rollSlug, testLinks, "bench", inNominations)
		if err != nil || rep.Issued != members {
			b.Fatalf("issued %d, %v", rep.Issued, err)
		}
	}
	b.ReportMetric(float64(members)*float64(b.N)/b.Elapsed().Seconds(), "links/s")
}

// BenchmarkVoterByToken is the lookup behind every member page.
func BenchmarkVoterByToken(b *testing.B) {
	db := benchRoll(b, 1000)
	ctx := context.Background()
	if _, err := db.IssueLinks(ctx, rollSlug, testLinks, "bench", inNominations); err != nil {
		b.Fatal(err)
	}
	h := hash(500, 0)
	for b.Loop() {
		if _, err := db.VoterByToken(ctx, h); err != nil {
			b.Fatal(err)
		}
	}
}
