package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/civivote/civivote/store/storetest"
)

// TestBallotsCarryNoLinkToVoterOrTime inspects the schema and the stored rows: the ballots
// table has only an id, the election, the receipt code and the choices; nothing in it is
// a time, an auto-increment, a voter or a foreign key; no other table refers to a ballot;
// and ballots read in primary-key order (InnoDB's physical order) follow neither the order
// of casting nor the order of the voters.
func TestBallotsCarryNoLinkToVoterOrTime(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	query := func(q string, args ...any) [][]string {
		t.Helper()
		rows, err := db.SQL().QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out [][]string
		for rows.Next() {
			vals := make([]string, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, vals)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}

	cols := query(`SELECT column_name, data_type, extra, COALESCE(column_default, '') FROM information_schema.columns
		WHERE table_schema = DATABASE() AND table_name = 'ballots' ORDER BY ordinal_position`)
	var names []string
	for _, c := range cols {
		names = append(names, c[0])
		if strings.Contains(c[1], "date") || strings.Contains(c[1], "time") || strings.Contains(c[1], "year") {
			t.Errorf("ballots.%s is a %s: a ballot must carry no time", c[0], c[1])
		}
		if c[2] != "" {
			t.Errorf("ballots.%s has %q: no auto-increment, no ON UPDATE, nothing generated", c[0], c[2])
		}
		if c[3] != "" {
			t.Errorf("ballots.%s defaults to %q: every value must come from the cast", c[0], c[3])
		}
	}
	if want := []string{"id", "election_id", "receipt_code", "choices"}; !slices.Equal(names, want) {
		t.Errorf("ballots has columns %v, want exactly %v", names, want)
	}
	idx := query(`SELECT index_name, GROUP_CONCAT(column_name ORDER BY seq_in_index) FROM information_schema.statistics
		WHERE table_schema = DATABASE() AND table_name = 'ballots' GROUP BY index_name`)
	slices.SortFunc(idx, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	if want := [][]string{{"PRIMARY", "id"}, {"ballots_receipt", "election_id,receipt_code"}}; !slices.EqualFunc(idx, want, slices.Equal) {
		t.Errorf("ballots has indexes %v, want exactly %v", idx, want)
	}
	if fk := query(`SELECT table_name, constraint_name FROM information_schema.referential_constraints
		WHERE constraint_schema = DATABASE() AND (table_name = 'ballots' OR referenced_table_name = 'ballots')`); len(fk) > 0 {
		t.Errorf("foreign keys touch ballots: %v", fk)
	}
	// publications keeps a digest of all of ballots.json and the number of ballots: what
	// every reader of the results sees, about all ballots at once.
	if refs := query(`SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = DATABASE() AND table_name <> 'ballots' AND column_name LIKE '%ballot%'
		  AND NOT (table_name = 'publications' AND column_name IN ('ballots_sha256', 'ballot_count'))`); len(refs) > 0 {
		t.Errorf("other tables name ballots, and could link them to voters: %v", refs)
	}
	// challenged_ballots holds, apart from the count, the ballots of members off the roll
	// with the member while the committee has not ruled; challenges_test.go checks that a
	// ruling leaves nothing there that links them to a ballot.
	if tables := query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = DATABASE() AND table_name LIKE '%ballot%' AND table_name <> 'challenged_ballots'
		ORDER BY table_name`); len(tables) != 1 {
		t.Errorf("tables holding ballots: %v, want only ballots", tables)
	}

	// Cast in the order of the voters' contact ids, so that casting order and voter order
	// are one order, and compare it with the stored order.
	const n = 200
	st := openStation(t, db, n)
	rank := map[string]int{}
	for i := range n {
		b, _ := st.ballot(t, i)
		receipt, err := db.CastBallot(ctx, st.voter(i), b, castNow)
		if err != nil {
			t.Fatal(err)
		}
		rank[receipt] = i
	}
	var stored []int
	for _, r := range query(`SELECT receipt_code FROM ballots WHERE election_id = ? ORDER BY id`, st.election.ID) {
		stored = append(stored, rank[r[0]])
	}
	if len(stored) != n {
		t.Fatalf("%d ballots stored, want %d", len(stored), n)
	}
	// Kendall's tau between casting rank and stored position: about 0 ± 0.05 for a
	// random order, 1 for the casting order, -1 for its reverse.
	if tau := kendallTau(stored); tau > 0.3 || tau < -0.3 {
		t.Errorf("ballots in primary-key order follow casting order (Kendall's tau %.2f)", tau)
	}
	// The same for a plain SELECT, which reads InnoDB's clustered order.
	stored = stored[:0]
	for _, r := range query(`SELECT receipt_code FROM ballots WHERE election_id = ?`, st.election.ID) {
		stored = append(stored, rank[r[0]])
	}
	if tau := kendallTau(stored); tau > 0.3 || tau < -0.3 {
		t.Errorf("ballots as stored follow casting order (Kendall's tau %.2f)", tau)
	}
}

// kendallTau returns the rank correlation of xs with 0, 1, 2, ….
func kendallTau(xs []int) float64 {
	concordant := 0
	for i := range xs {
		for j := i + 1; j < len(xs); j++ {
			if xs[i] < xs[j] {
				concordant++
			} else {
				concordant--
			}
		}
	}
	return float64(concordant) / float64(len(xs)*(len(xs)-1)/2)
}
