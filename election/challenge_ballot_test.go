package election

import (
	"errors"
	"strings"
	"testing"
)

func TestChallengeTokens(t *testing.T) {
	secret := []byte("a test secret of thirty-two bytes!")
	tok := ChallengeToken(secret, "wise-ra-2023", 4242)
	if len(tok) != ChallengeTokenLen {
		t.Fatalf("token %q has %d characters, want %d", tok, len(tok), ChallengeTokenLen)
	}
	if id, err := ParseChallengeToken(secret, "wise-ra-2023", tok); err != nil || id != 4242 {
		t.Errorf("parse: %d, %v", id, err)
	}
	// Another election, another secret, another contact's MAC, a truncated or altered token.
	swapped := ChallengeToken(secret, "wise-ra-2023", 4243)
	for name, bad := range map[string][2]string{
		"other election": {"wsn-board-2024", tok},
		"other secret":   {"wise-ra-2023", ChallengeToken([]byte("another secret of thirty-two bytes"), "wise-ra-2023", 4242)},
		"spliced":        {"wise-ra-2023", tok[:11] + swapped[11:]},
		"truncated":      {"wise-ra-2023", tok[:len(tok)-1]},
		"personal link":  {"wise-ra-2023", DeriveToken(secret, "wise-ra-2023", 4242, 0)},
		"not base64":     {"wise-ra-2023", strings.Repeat("*", ChallengeTokenLen)},
	} {
		if _, err := ParseChallengeToken(secret, bad[0], bad[1]); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
}

func TestChallengeReasons(t *testing.T) {
	if r, err := CheckChallengeReason("  paid on the 3rd \n"); err != nil || r != "paid on the 3rd" {
		t.Errorf("got %q, %v", r, err)
	}
	if _, err := CheckChallengeReason(strings.Repeat("ü", MaxChallengeReason)); err != nil {
		t.Errorf("a reason of exactly the limit in characters: %v", err)
	}
	for name, reason := range map[string]string{"empty": " \t\n", "too long": strings.Repeat("a", MaxChallengeReason+1), "not text": "paid \xff"} {
		var fe *FormError
		if _, err := CheckChallengeReason(reason); !errors.As(err, &fe) || fe.Field("reason") == "" {
			t.Errorf("%s: %v, want a FormError on reason", name, err)
		}
	}
}

func TestStandingCheckChallenge(t *testing.T) {
	e := &Election{Definition: &Definition{Title: "T"}}
	for _, tc := range []struct {
		st   Standing
		want error
	}{
		{Standing{OffRoll: OffRollLapsed}, nil},
		{Standing{OffRoll: OffRollJoinedLate}, nil},
		{Standing{}, ErrConflict},
		{Standing{OffRoll: OffRollLapsed, Voted: true}, ErrAlreadyVoted},
		{Standing{OffRoll: OffRollLapsed, Challenge: ChallengeRejected}, ErrAlreadyVoted},
	} {
		if err := tc.st.CheckChallenge(e); !errors.Is(err, tc.want) && !(err == nil && tc.want == nil) {
			t.Errorf("%+v: %v, want %v", tc.st, err, tc.want)
		}
	}
}
