package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civivote/civivote/election"
	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// rollCloses is the roll_closes the challenge station's definition gets.
var rollCloses = time.Date(2023, 1, 31, 23, 59, 0, 0, time.UTC)

// challengeStation is a polling station whose definition allows challenged ballots (when
// allow) and closes the roll at rollCloses, with one member of each kind off the roll:
// lapsed (voter index 0 of the roll, revoked as ReconcileRolls would), joined late
// (in good standing since after roll_closes, no link) and unknown to the roster.
type challengeStation struct {
	*pollingStation
	lapsed, late, unknown *election.Voter
}

func openChallengeStation(t *testing.T, db *store.DB, voters int, allow bool) *challengeStation {
	t.Helper()
	ctx := context.Background()
	st := openStation(t, db, voters)
	extra := "\nroll_closes: 2023-01-31T23:59\n"
	if allow {
		extra += "challenged_ballots: true\n"
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE elections SET definition = CONCAT(definition, ?), definition_hash = UNHEX(SHA2(CONCAT(definition, ?), 256))
		WHERE id = ?`, extra, extra, st.election.ID)
	var err error
	if st.election, err = db.GetElection(ctx, st.election.Definition.Slug); err != nil {
		t.Fatal(err)
	}
	if st.election.Definition.ChallengedBallots != allow || st.election.Definition.RollCloses.IsZero() {
		t.Fatalf("definition not amended: %+v", st.election.Definition)
	}
	cs := &challengeStation{pollingStation: st}
	cs.lapsed = st.voter(0)
	cs.lapsed.InGoodStanding = false
	exec(`UPDATE members SET in_good_standing = FALSE WHERE contact_id = ?`, cs.lapsed.ContactID)
	exec(`UPDATE voters SET revoked_at = ?, revocations = 1 WHERE election_id = ? AND contact_id = ?`, castNow, st.election.ID, cs.lapsed.ContactID)
	late := st.first + int64(voters) + 1
	exec(`INSERT INTO members (contact_id, display_name, in_good_standing, first_seen_at, last_seen_at) VALUES (?, ?, TRUE, ?, ?)`,
		late, "Late Joiner", rollCloses.Add(time.Hour), castNow)
	cs.late = &election.Voter{Election: &st.election.Election, ContactID: late, Name: "Late Joiner", InGoodStanding: true}
	cs.unknown = &election.Voter{Election: &st.election.Election, ContactID: st.first + int64(voters) + 2}
	return cs
}

func (cs *challengeStation) challenges(t *testing.T) []store.Challenge {
	t.Helper()
	list, err := cs.db.Challenges(context.Background(), cs.election.Definition.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// links counts rows that still tie a member to choices or a receipt code.
func (cs *challengeStation) links(t *testing.T) int {
	return cs.count(t, `SELECT COUNT(*) FROM challenged_ballots WHERE election_id = ? AND (choices IS NOT NULL OR receipt_code IS NOT NULL)`)
}

func TestChallengedBallotOnlyForMembersOffTheRoll(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	cs := openChallengeStation(t, db, 5, true)
	b, _ := cs.ballot(t, 0)

	_, err := db.CastChallengedBallot(ctx, cs.voter(1), "I am owed a vote", b, castNow)
	if !errors.Is(err, election.ErrConflict) || !strings.Contains(err.Error(), "ordinary ballot") {
		t.Errorf("member on the roll: %v, want a conflict telling them to vote ordinarily", err)
	}
	if _, err := db.CastBallot(ctx, cs.voter(2), b, castNow); err != nil {
		t.Fatal(err)
	}
	// Voter 2 has voted; if they lapse now they still have had their ballot.
	if _, err := db.SQL().ExecContext(ctx, `UPDATE members SET in_good_standing = FALSE WHERE contact_id = ?`, cs.voter(2).ContactID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CastChallengedBallot(ctx, cs.voter(2), "second go", b, castNow); !errors.Is(err, election.ErrAlreadyVoted) {
		t.Errorf("lapsed member who voted: %v, want ErrAlreadyVoted", err)
	}
	for _, tc := range []struct {
		name   string
		reason string
		now    time.Time
		want   error
	}{
		{"no reason", "  \n ", castNow, election.ErrInvalid},
		{"reason too long", strings.Repeat("é", election.MaxChallengeReason+1), castNow, election.ErrInvalid},
		{"before voting", "paid", cs.election.Definition.Voting.Opens.Add(-time.Minute), election.ErrWindowClosed},
		{"after voting", "paid", cs.election.Definition.Voting.Closes, election.ErrWindowClosed},
	} {
		if _, err := db.CastChallengedBallot(ctx, cs.lapsed, tc.reason, b, tc.now); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if n := cs.count(t, `SELECT COUNT(*) FROM challenged_ballots WHERE election_id = ?`); n != 0 {
		t.Errorf("%d challenged ballots stored after refusals, want 0", n)
	}
}

func TestChallengedBallotRefusedWhereTheDefinitionDoesNotAllowIt(t *testing.T) {
	db := storetest.Open(t)
	cs := openChallengeStation(t, db, 2, false)
	b, _ := cs.ballot(t, 0)
	_, err := db.CastChallengedBallot(context.Background(), cs.lapsed, "I paid on Monday", b, castNow)
	if !errors.Is(err, election.ErrWrongState) || !strings.Contains(err.Error(), "does not take challenged ballots") {
		t.Errorf("got %v, want ErrWrongState saying the election takes none", err)
	}
	if n := cs.count(t, `SELECT COUNT(*) FROM challenged_ballots WHERE election_id = ?`); n != 0 {
		t.Errorf("%d stored, want 0", n)
	}
}

func TestChallengedBallotsOfLapsedLateAndUnknownMembers(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	cs := openChallengeStation(t, db, 3, true)
	b, _ := cs.ballot(t, 1)
	want := map[int64]election.OffRoll{}
	receipts := map[string]bool{}
	for _, c := range []struct {
		v       *election.Voter
		offRoll election.OffRoll
	}{{cs.lapsed, election.OffRollLapsed}, {cs.late, election.OffRollJoinedLate}, {cs.unknown, election.OffRollNotOnRoll}} {
		st, err := db.Standing(ctx, c.v, castNow)
		if err != nil {
			t.Fatal(err)
		}
		if st.OffRoll != c.offRoll || st.Voted || st.Challenge != "" {
			t.Errorf("contact %d before: %+v, want off the roll as %s", c.v.ContactID, st, c.offRoll)
		}
		receipt, err := db.CastChallengedBallot(ctx, c.v, "  I paid my dues on 3 February  ", b, castNow)
		if err != nil {
			t.Fatalf("contact %d: %v", c.v.ContactID, err)
		}
		if _, err := election.ParseReceiptCode(receipt); err != nil || receipts[receipt] {
			t.Errorf("receipt %q: not a fresh receipt code", receipt)
		}
		receipts[receipt] = true
		want[c.v.ContactID] = c.offRoll
		if st, _ := db.Standing(ctx, c.v, castNow); st.Challenge != election.ChallengeOpen {
			t.Errorf("contact %d after: %+v, want an open challenge", c.v.ContactID, st)
		}
		if _, err := db.CastChallengedBallot(ctx, c.v, "again", b, castNow); !errors.Is(err, election.ErrAlreadyVoted) {
			t.Errorf("second challenged ballot of contact %d: %v, want ErrAlreadyVoted", c.v.ContactID, err)
		}
	}
	list := cs.challenges(t)
	if len(list) != 3 {
		t.Fatalf("challenges: %+v, want 3", list)
	}
	for _, c := range list {
		if c.OffRoll != want[c.ContactID] || c.Status != election.ChallengeOpen || c.Reason != "I paid my dues on 3 February" {
			t.Errorf("challenge %+v", c)
		}
	}
	if list[1].Name != "Late Joiner" {
		t.Errorf("late joiner listed as %q", list[1].Name)
	}
	if got := cs.ballots(t); got != 0 {
		t.Errorf("%d ballots in the count, want 0: challenged ballots are set apart", got)
	}
	counts, err := db.OpenChallenges(ctx, cs.election.ID)
	if err != nil || counts != (election.ChallengeCounts{Open: 3}) {
		t.Errorf("OpenChallenges = %+v, %v; want 3 open", counts, err)
	}

	// The lapsed member pays and the roll takes them back: they have had their ballot.
	if _, err := db.SQL().ExecContext(ctx, `UPDATE members SET in_good_standing = TRUE WHERE contact_id = ?`, cs.lapsed.ContactID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE voters SET revoked_at = NULL WHERE election_id = ? AND contact_id = ?`, cs.election.ID, cs.lapsed.ContactID); err != nil {
		t.Fatal(err)
	}
	back := *cs.lapsed
	back.InGoodStanding = true
	if _, err := db.CastBallot(ctx, &back, b, castNow); !errors.Is(err, election.ErrAlreadyVoted) || !strings.Contains(err.Error(), "challenged ballot") {
		t.Errorf("ordinary ballot after a challenged one: %v, want ErrAlreadyVoted naming the challenged ballot", err)
	}
	if got := cs.ballots(t); got != 0 {
		t.Errorf("%d ballots in the count, want 0", got)
	}
}

func TestOneChallengedBallotPerMemberUnderConcurrency(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	cs := openChallengeStation(t, db, 2, true)
	b, _ := cs.ballot(t, 0)
	for _, v := range []*election.Voter{cs.lapsed, cs.late} {
		const n = 50
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			ok       int
			refusals []error
		)
		for range n {
			wg.Go(func() {
				_, err := db.CastChallengedBallot(ctx, v, "my dues were paid", b, castNow)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else {
					refusals = append(refusals, err)
				}
			})
		}
		wg.Wait()
		if ok != 1 {
			t.Errorf("contact %d: %d casts succeeded, want 1", v.ContactID, ok)
		}
		for _, err := range refusals {
			if !errors.Is(err, election.ErrAlreadyVoted) {
				t.Errorf("contact %d: refused with %v, want ErrAlreadyVoted", v.ContactID, err)
				break
			}
		}
		var rows int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM challenged_ballots WHERE election_id = ? AND contact_id = ?`,
			cs.election.ID, v.ContactID).Scan(&rows); err != nil || rows != 1 {
			t.Errorf("contact %d: %d rows (%v), want 1", v.ContactID, rows, err)
		}
	}
}

func TestRulingsMoveOrDestroyChallengedBallots(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	cs := openChallengeStation(t, db, 3, true)
	slug := cs.election.Definition.Slug
	// One ordinary ballot for the first candidates; two challenged for the second ones.
	first, _ := cs.ballot(t, 0)
	if _, err := db.CastBallot(ctx, cs.voter(1), first, castNow); err != nil {
		t.Fatal(err)
	}
	second, choices := cs.ballot(t, 1)
	acceptedReceipt, err := db.CastChallengedBallot(ctx, cs.lapsed, "paid by standing order, the bank was late", second, castNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CastChallengedBallot(ctx, cs.late, "joined in time", second, castNow); err != nil {
		t.Fatal(err)
	}
	before, err := election.Tally(cs.paper, tallySeq(t, cs.pollingStation), 3)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]int64{}
	for _, c := range cs.challenges(t) {
		ids[c.ContactID] = c.ID
	}

	if err := db.RuleChallenge(ctx, slug, ids[cs.lapsed.ContactID], true, " ", "committee:ana", castNow); !errors.Is(err, election.ErrInvalid) {
		t.Errorf("ruling without a reason: %v, want ErrInvalid", err)
	}
	if err := db.RuleChallenge(ctx, slug, 987654321, true, "x", "committee:ana", castNow); !errors.Is(err, election.ErrNotFound) {
		t.Errorf("ruling on no challenge: %v, want ErrNotFound", err)
	}
	if cs.links(t) != 2 {
		t.Fatalf("refused rulings changed the challenges")
	}

	ruledAt := castNow.Add(time.Hour)
	if err := db.RuleChallenge(ctx, slug, ids[cs.lapsed.ContactID], true, "bank statement shows dues paid on time", "committee:ana", ruledAt); err != nil {
		t.Fatal(err)
	}
	if err := db.RuleChallenge(ctx, slug, ids[cs.late.ContactID], false, "joined on 2 February", "committee:ben", ruledAt); err != nil {
		t.Fatal(err)
	}
	if err := db.RuleChallenge(ctx, slug, ids[cs.late.ContactID], true, "changed my mind", "committee:ben", ruledAt); !errors.Is(err, election.ErrConflict) {
		t.Errorf("second ruling: %v, want ErrConflict", err)
	}

	// The accepted ballot is in the count with the receipt code its member was shown.
	after, err := election.Tally(cs.paper, tallySeq(t, cs.pollingStation), 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := cs.ballots(t); got != 2 {
		t.Errorf("%d ballots counted, want 2 (one ordinary, one accepted)", got)
	}
	for key, want := range choices {
		pb, pa := before.Position(key), after.Position(key)
		for i, c := range pa.Candidates {
			delta := c.Votes - pb.Candidates[i].Votes
			if wantDelta := map[bool]int{true: 1, false: 0}[c.ID == want[0]]; delta != wantDelta {
				t.Errorf("%s: candidate %d gained %d votes, want %d", key, c.ID, delta, wantDelta)
			}
		}
	}
	codes, err := db.ReceiptCodes(ctx, cs.election.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !contains(codes, acceptedReceipt) {
		t.Errorf("receipt %s of the accepted ballot not among the counted %v", acceptedReceipt, codes)
	}
	// Nothing ties either member to a ballot any more; the roll says the accepted one voted.
	if n := cs.links(t); n != 0 {
		t.Errorf("%d challenged rows still hold choices or a receipt code after the rulings", n)
	}
	if n := cs.count(t, `SELECT COUNT(*) FROM voters WHERE election_id = ? AND voted AND voted_at IS NOT NULL`); n != 2 {
		t.Errorf("%d voters marked as voted, want 2 (the ordinary voter and the accepted one)", n)
	}
	counts, err := db.OpenChallenges(ctx, cs.election.ID)
	if err != nil || counts != (election.ChallengeCounts{Accepted: 1, Rejected: 1}) {
		t.Errorf("OpenChallenges = %+v, %v; want 1 accepted, 1 rejected", counts, err)
	}
	for _, c := range cs.challenges(t) {
		if c.RuledAt.IsZero() || c.Status == election.ChallengeOpen {
			t.Errorf("challenge %+v not ruled", c)
		}
	}
	// Still one ballot each: the rejected member cannot cast again.
	if _, err := db.CastChallengedBallot(ctx, cs.late, "once more", second, castNow); !errors.Is(err, election.ErrAlreadyVoted) {
		t.Errorf("challenged ballot after a rejection: %v, want ErrAlreadyVoted", err)
	}

	// The audit log has every step with its actor, and never the choices.
	rows, err := db.SQL().QueryContext(ctx, `SELECT actor, action, details FROM audit_log WHERE election_id = ? AND action LIKE 'challenge.%' ORDER BY id`, cs.election.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var actions []string
	for rows.Next() {
		var actor, action, details string
		if err := rows.Scan(&actor, &action, &details); err != nil {
			t.Fatal(err)
		}
		actions = append(actions, actor+" "+action)
		for key, ids := range choices {
			if strings.Contains(details, key) || strings.Contains(details, itoa(ids[0])) {
				t.Errorf("audit %s %s holds the choices: %s", actor, action, details)
			}
		}
		if strings.Contains(details, acceptedReceipt) {
			t.Errorf("audit %s holds the receipt code: %s", action, details)
		}
	}
	wantActions := []string{
		"member:" + itoa(cs.lapsed.ContactID) + " challenge.cast", "member:" + itoa(cs.late.ContactID) + " challenge.cast",
		"committee:ana challenge.accepted", "committee:ben challenge.rejected",
	}
	if strings.Join(actions, "\n") != strings.Join(wantActions, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(actions, "\n"), strings.Join(wantActions, "\n"))
	}
}
