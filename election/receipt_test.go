package election

import (
	"bytes"
	"crypto/rand"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"
)

func TestNewReceiptCode(t *testing.T) {
	shape := regexp.MustCompile(`^[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}$`)
	seen := map[string]bool{}
	for range 2000 {
		code, err := NewReceiptCode(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(code) || len(code) != ReceiptLen {
			t.Fatalf("code %q has the wrong shape", code)
		}
		if strings.ContainsAny(code, "01ILOU") {
			t.Fatalf("code %q has an ambiguous symbol", code)
		}
		if seen[code] {
			t.Fatalf("duplicate code %q", code)
		}
		seen[code] = true
	}
	if bits := 15 * math.Log2(float64(len(receiptAlphabet))); bits < 60 {
		t.Errorf("receipt codes carry %.1f bits, want at least 60", bits)
	}
}

func TestNewReceiptCodeRejectsBiasedBytes(t *testing.T) {
	// Bytes 240-255 would bias the first symbols; they must be skipped.
	src := append(bytes.Repeat([]byte{255}, 32), make([]byte, 32)...)
	code, err := NewReceiptCode(bytes.NewReader(src))
	if err != nil || code != "22222-22222-22222" {
		t.Errorf("code = %q, %v", code, err)
	}
	if _, err := NewReceiptCode(bytes.NewReader(nil)); err == nil {
		t.Error("NewReceiptCode with no randomness did not fail")
	}
}

func TestParseReceiptCode(t *testing.T) {
	good := map[string]string{
		"K7QF9-XMC2R-TAHV3":   "K7QF9-XMC2R-TAHV3",
		"k7qf9xmc2rtahv3":     "K7QF9-XMC2R-TAHV3",
		" k7qf9 xmc2r tahv3 ": "K7QF9-XMC2R-TAHV3",
	}
	for in, want := range good {
		if got, err := ParseReceiptCode(in); err != nil || got != want {
			t.Errorf("ParseReceiptCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "K7QF9-XMC2R", "K7QF9-XMC2R-TAHV30", "K7QF9-XMC2R-TAHVO", "K7QF9-XMC2R-TAHV!"} {
		if _, err := ParseReceiptCode(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseReceiptCode(%q) err = %v, want ErrInvalid", in, err)
		}
	}
}

func TestNewBallotID(t *testing.T) {
	a, err := NewBallotID(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewBallotID(rand.Reader)
	if a == b || len(a.String()) != 32 {
		t.Errorf("ballot ids %s, %s", a, b)
	}
	if _, err := NewBallotID(bytes.NewReader([]byte{1, 2})); err == nil {
		t.Error("NewBallotID with short randomness did not fail")
	}
}
