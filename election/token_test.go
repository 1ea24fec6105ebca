package election

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestDeriveToken(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	tok := DeriveToken(secret, "wise-ra-2023", 42, 0)
	if len(tok) != TokenLen {
		t.Fatalf("token %q has length %d, want %d", tok, len(tok), TokenLen)
	}
	if again := DeriveToken(secret, "wise-ra-2023", 42, 0); again != tok {
		t.Error("DeriveToken is not deterministic")
	}
	if _, err := ParseToken(tok); err != nil {
		t.Errorf("ParseToken rejects a derived token: %v", err)
	}
	// Every input matters.
	others := map[string]string{
		"other secret":     DeriveToken([]byte("another secret, just as long...."), "wise-ra-2023", 42, 0),
		"other election":   DeriveToken(secret, "wsn-board-2024", 42, 0),
		"other contact":    DeriveToken(secret, "wise-ra-2023", 43, 0),
		"next generation":  DeriveToken(secret, "wise-ra-2023", 42, 1),
		"slug/contact mix": DeriveToken(secret, "wise-ra-20234", 2, 0),
	}
	seen := map[string]string{tok: "base"}
	for name, o := range others {
		if prev, dup := seen[o]; dup {
			t.Errorf("%s gives the same token as %s", name, prev)
		}
		seen[o] = name
	}
}

// TestDeriveTokenEncoding pins the message layout, so a refactor cannot silently
// change every member's link, and shows fields cannot run into each other.
func TestDeriveTokenEncoding(t *testing.T) {
	secret := []byte("k")
	msg := []byte{0, 0, 0, 25}
	msg = append(msg, "civivote personal link v1"...)
	msg = append(msg, 0, 0, 0, 1, 'a')
	msg = append(msg, 0, 0, 0, 0, 0, 0, 0, 1)
	msg = append(msg, 0, 0, 0, 0, 0, 0, 0, 2)
	mac := hmac.New(sha256.New, secret)
	mac.Write(msg)
	want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	if got := DeriveToken(secret, "a", 1, 2); got != want {
		t.Errorf("DeriveToken encoding changed: got %s, want %s", got, want)
	}
	if DeriveToken(secret, "a", 1, 0) == DeriveToken(secret, "a\x00", 1, 0) {
		t.Error("slug bytes run into the contact id")
	}
}

func TestParseToken(t *testing.T) {
	good := DeriveToken([]byte("s"), "x", 1, 0)
	bad := []string{
		"",
		good[:42],
		good + "A",
		strings.Repeat("=", 43),
		good[:42] + "+",             // standard, not URL, alphabet
		good[:42] + "/",             //
		good[:20] + " " + good[21:], // space
		good[:42] + "B",             // non-canonical final symbol (stray low bits)
		"../../etc/passwd" + strings.Repeat("a", 27),
		strings.Repeat("é", 21) + "a",
	}
	for _, s := range bad {
		if _, err := ParseToken(s); !errors.Is(err, ErrNotFound) {
			t.Errorf("ParseToken(%q) err = %v, want ErrNotFound", s, err)
		}
	}
}

func TestHashToken(t *testing.T) {
	tok := DeriveToken([]byte("s"), "x", 1, 0)
	got := HashToken(tok)
	want := sha256.Sum256([]byte(tok))
	if !bytes.Equal(got[:], want[:]) {
		t.Error("HashToken is not SHA-256 of the token")
	}
}
