package election

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNormalizeStatement(t *testing.T) {
	cases := []struct {
		name, in string
		max      int
		want     string // when valid
		err      string // substring, when invalid
	}{
		{"trimmed", "  Hello, fellow workers.  \n", 300, "Hello, fellow workers.", ""},
		{"CRLF", "One.\r\nTwo.\r\rThree.", 300, "One.\nTwo.\n\nThree.", ""},
		{"blank lines collapse", "Para one.\n\n\n\n  \nPara two.", 300, "Para one.\n\nPara two.", ""},
		{"trailing spaces on lines", "a  \nb\t\n", 300, "a\nb", ""},
		{"tabs kept", "a\tb", 300, "a\tb", ""},
		{"BOM dropped", "\uFEFFHello", 300, "Hello", ""},
		{"exactly the limit", strings.Repeat("word ", 300), 300, strings.TrimSpace(strings.Repeat("word ", 300)), ""},
		{"one over", strings.Repeat("word ", 301), 300, "", "Your statement has 301 words; the limit is 300. Shorten it by 1 word."},
		{"five over", strings.Repeat("word ", 305), 300, "", "Shorten it by 5 words."},
		{"empty", " \n\t ", 300, "", "Write a statement"},
		{"only punctuation", "— ... !", 300, "", "Write a statement"},
		{"control char", "Vote\x07 for me", 300, "", "invisible control character (U+0007)"},
		{"escape", "Vote \x1b[31mfor me", 300, "", "control character"},
		{"C1 control", "Vote \u0085 me", 300, "", "control character"},
		{"invalid UTF-8", "Vote \xff me", 300, "", "not valid text"},
		{"huge word", strings.Repeat("a", 40000), 300, "", "too long to store"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := NormalizeStatement(c.in, c.max)
			if c.err == "" {
				if err != nil || got != c.want {
					t.Errorf("= %q, %v; want %q", got, err, c.want)
				}
				return
			}
			var fe *FormError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) || !strings.Contains(fe.Field("statement"), c.err) {
				t.Errorf("err = %v; want a statement FormError containing %q", err, c.err)
			}
		})
	}
}

func TestParagraphs(t *testing.T) {
	got := Paragraphs("One\nline two\n\nThree")
	if len(got) != 2 || got[0] != "One\nline two" || got[1] != "Three" {
		t.Errorf("Paragraphs = %q", got)
	}
	if Paragraphs("") != nil {
		t.Error("Paragraphs of empty statement should be nil")
	}
}

// nominating returns the test definition, with a position that has declarations, and
// an instant inside its nominations window.
func nominating(tb testing.TB) (*Definition, time.Time) {
	tb.Helper()
	def := mustParse(tb, validYAML)
	def.Positions = append(def.Positions, Position{Key: "equalities-officer", Title: "Equalities Officer", Seats: 1,
		TenureMonths: 24, CoOfficership: true, Declarations: []string{"I self-define as FINT.", "I will attend meetings."}})
	return def, utc(tb, "2023-01-10T12:00:00Z")
}

func TestNominate(t *testing.T) {
	def, now := nominating(t)
	const member = 42
	good := Nomination{PositionKey: "treasurer", Statement: "I was branch treasurer for three years.", CoOfficership: true}
	standing := Candidate{ID: 7, ContactID: member, PositionKey: "treasurer", Statement: "old", Status: Accepted}

	cases := []struct {
		name   string
		state  State
		now    time.Time
		own    []Candidate
		n      Nomination
		kind   error
		fields map[string]string // field -> message substring
		msg    string
	}{
		{name: "valid", state: NominationsOpen, now: now, n: good},
		{name: "before window", state: Draft, now: utc(t, "2022-12-01T00:00:00Z"), n: good,
			kind: ErrWindowClosed, msg: "Nominations are not open yet. They open on Tuesday 27 December 2022, 00:00 GMT."},
		{name: "state lags clock at open", state: Draft, now: now, n: good, kind: ErrWindowClosed, msg: "not open yet"},
		{name: "after window", state: NominationsOpen, now: utc(t, "2023-01-31T23:59:00Z"), n: good,
			kind: ErrWindowClosed, msg: "Nominations closed on Tuesday 31 January 2023, 23:59 GMT."},
		{name: "closed state", state: VotingOpen, now: now, n: good, kind: ErrWindowClosed, msg: "closed"},
		{name: "unknown position", state: NominationsOpen, now: now, n: Nomination{PositionKey: "king", Statement: "x"},
			kind: ErrInvalid, fields: map[string]string{"position": "Choose one of the positions"}},
		{name: "second position refused", state: NominationsOpen, now: now, own: []Candidate{standing},
			n: Nomination{PositionKey: "board", Statement: "Me."}, kind: ErrConflict,
			msg: "You are already standing for Treasurer, and each member may stand for only one position"},
		{name: "withdrawn elsewhere is fine", state: NominationsOpen, now: now,
			own: []Candidate{{ContactID: member, PositionKey: "board", Status: Withdrawn}}, n: good},
		{name: "rejected elsewhere is fine", state: NominationsOpen, now: now,
			own: []Candidate{{ContactID: member, PositionKey: "board", Status: Rejected}}, n: good},
		{name: "301 words", state: NominationsOpen, now: now,
			n:    Nomination{PositionKey: "treasurer", Statement: strings.Repeat("solidarity ", 301)},
			kind: ErrInvalid, fields: map[string]string{"statement": "301 words; the limit is 300"}},
		{name: "declaration unticked", state: NominationsOpen, now: now,
			n:    Nomination{PositionKey: "equalities-officer", Statement: "Me.", Declarations: []bool{true, false}},
			kind: ErrInvalid, fields: map[string]string{"declarations": `must confirm: "I will attend meetings."`}},
		{name: "declarations tampered", state: NominationsOpen, now: now,
			n:    Nomination{PositionKey: "equalities-officer", Statement: "Me.", Declarations: []bool{true}},
			kind: ErrInvalid, fields: map[string]string{"declarations": "did not match"}},
		{name: "all declarations ticked", state: NominationsOpen, now: now,
			n: Nomination{PositionKey: "equalities-officer", Statement: "Me.", Declarations: []bool{true, true}}},
		{name: "co-officership where not allowed", state: NominationsOpen, now: now,
			n:    Nomination{PositionKey: "board", Statement: "Me.", CoOfficership: true},
			kind: ErrInvalid, fields: map[string]string{"co_officership": "Board cannot be held as a co-officership"}},
		{name: "every problem at once", state: NominationsOpen, now: now,
			n:    Nomination{PositionKey: "equalities-officer", Statement: "", Declarations: []bool{false, false}},
			kind: ErrInvalid, fields: map[string]string{"statement": "Write a statement", "declarations": "I self-define"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := def.Nominate(c.state, c.now, member, c.own, c.n)
			if c.kind == nil {
				if err != nil {
					t.Fatalf("Nominate: %v", err)
				}
				if got.ContactID != member || got.PositionKey != c.n.PositionKey || got.Status != Pending {
					t.Errorf("candidate = %+v; want member %d's pending nomination", got, member)
				}
				return
			}
			if !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want kind %v", err, c.kind)
			}
			if c.msg != "" && !strings.Contains(err.Error(), c.msg) {
				t.Errorf("message %q lacks %q", err, c.msg)
			}
			var fe *FormError
			if len(c.fields) > 0 && !errors.As(err, &fe) {
				t.Fatalf("err %v is not a FormError", err)
			}
			for f, w := range c.fields {
				if !strings.Contains(fe.Field(f), w) {
					t.Errorf("field %s message %q lacks %q", f, fe.Field(f), w)
				}
			}
		})
	}
}

func TestNominateEditsExisting(t *testing.T) {
	def, now := nominating(t)
	old := Candidate{ID: 7, ContactID: 42, Name: "Ann", PositionKey: "treasurer", Statement: "old", Status: Accepted}
	got, err := def.Nominate(NominationsOpen, now, 42, []Candidate{old}, Nomination{PositionKey: "treasurer", Statement: " new\r\n"})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != 7 || got.Statement != "new" || got.Status != Pending || got.Name != "Ann" {
		t.Errorf("edited candidate = %+v; want id 7, new statement, back to pending", got)
	}
}

func TestOnePositionPerMemberOff(t *testing.T) {
	def, now := nominating(t)
	def.OnePositionPerMember = false
	own := []Candidate{{ContactID: 42, PositionKey: "treasurer", Status: Pending}}
	if _, err := def.Nominate(NominationsOpen, now, 42, own, Nomination{PositionKey: "board", Statement: "Me."}); err != nil {
		t.Errorf("second position with one_position_per_member false: %v", err)
	}
}

func TestWithdraw(t *testing.T) {
	def, now := nominating(t)
	c := Candidate{Status: Accepted}
	if err := def.Withdraw(NominationsOpen, now, &c); err != nil || c.Status != Withdrawn {
		t.Fatalf("Withdraw = %v, status %s", err, c.Status)
	}
	if err := def.Withdraw(NominationsOpen, now, &c); !errors.Is(err, ErrConflict) {
		t.Errorf("second Withdraw err = %v, want ErrConflict", err)
	}
	late := Candidate{Status: Pending}
	if err := def.Withdraw(NominationsClosed, utc(t, "2023-02-01T00:00:00Z"), &late); !errors.Is(err, ErrWindowClosed) || late.Status != Pending {
		t.Errorf("Withdraw after close err = %v, status %s", err, late.Status)
	}
}

func TestCommitteeDecisions(t *testing.T) {
	c := Candidate{Name: "Ann", Status: Pending}
	if err := c.Accept(NominationsClosed); err != nil || c.Status != Accepted {
		t.Fatalf("Accept = %v, %s", err, c.Status)
	}
	if err := c.Reject(NominationsClosed, ""); !errors.Is(err, ErrInvalid) || c.Status != Accepted {
		t.Errorf("Reject without reason = %v, %s", err, c.Status)
	}
	if err := c.Reject(NominationsOpen, "not in good standing"); err != nil || c.Status != Rejected || c.RejectionReason != "not in good standing" {
		t.Errorf("Reject = %v, %+v", err, c)
	}
	if err := c.Accept(VotingOpen); !errors.Is(err, ErrWrongState) {
		t.Errorf("Accept after voting opened err = %v, want ErrWrongState", err)
	}
	w := Candidate{Status: Withdrawn}
	if err := w.Accept(NominationsOpen); !errors.Is(err, ErrConflict) {
		t.Errorf("Accept withdrawn err = %v, want ErrConflict", err)
	}
}

func TestFixSeats(t *testing.T) {
	co := Position{Key: "treasurer", Seats: 1, CoOfficership: true}
	solo := Position{Key: "secretary", Seats: 1}
	board := Position{Key: "board", Seats: 5}
	yes := func(status CandidateStatus) Candidate {
		return Candidate{PositionKey: "treasurer", Status: status, CoOfficershipConsent: true}
	}
	no := Candidate{PositionKey: "treasurer", Status: Accepted}
	cases := []struct {
		name string
		p    Position
		cs   []Candidate
		want int
	}{
		{"all consent", co, []Candidate{yes(Accepted), yes(Accepted)}, 2},
		{"three consent", co, []Candidate{yes(Accepted), yes(Accepted), yes(Accepted)}, 2},
		{"one refuses", co, []Candidate{yes(Accepted), yes(Accepted), no}, 1},
		{"one candidate", co, []Candidate{yes(Accepted)}, 1},
		{"no candidates", co, nil, 1},
		{"second only pending", co, []Candidate{yes(Accepted), yes(Pending)}, 1},
		{"refuser rejected", co, []Candidate{yes(Accepted), yes(Accepted), {PositionKey: "treasurer", Status: Rejected}}, 2},
		{"refuser withdrew", co, []Candidate{yes(Accepted), yes(Accepted), {PositionKey: "treasurer", Status: Withdrawn}}, 2},
		{"other position's candidates ignored", co, []Candidate{yes(Accepted), {PositionKey: "x", Status: Accepted, CoOfficershipConsent: true}}, 1},
		{"not a co-officership", solo, []Candidate{{PositionKey: "secretary", Status: Accepted, CoOfficershipConsent: true}, {PositionKey: "secretary", Status: Accepted, CoOfficershipConsent: true}}, 1},
		{"board keeps its seats", board, nil, 5},
	}
	for _, c := range cases {
		if got := FixSeats(c.p, c.cs); got != c.want {
			t.Errorf("%s: FixSeats = %d, want %d", c.name, got, c.want)
		}
	}
}
