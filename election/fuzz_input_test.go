package election

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzBallotForm posts arbitrary form bodies at a ballot paper, as a hostile browser
// could: decoding never panics, every refusal is ErrInvalid, and a ballot that is
// accepted is exactly the choices read from the form (Encode then Decode gives them back).
func FuzzBallotForm(f *testing.F) {
	f.Add("secretary=RON&treasurer=21&treasurer=23&board=&csrf=x")
	f.Add("secretary=11&secretary=12")
	f.Add("board=31&board=31&board=32&board=33&board=34")
	f.Add("treasurer=-1&board=9223372036854775808")
	f.Add("secretary=%00&board=1e3&treasurer=%2B21")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return // net/http refuses such a body before any handler
		}
		p := testPaper(t)
		choices, err := p.ParseForm(form)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseForm error of the wrong kind: %v", err)
			}
			return
		}
		b, err := p.Encode(choices)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Encode error of the wrong kind: %v", err)
			}
			return
		}
		got := p.Decode(b)
		for _, c := range p.Contests() {
			want := slices.Sorted(slices.Values(choices[c.Key]))
			have := slices.Sorted(slices.Values(got[c.Key]))
			if !slices.Equal(want, have) {
				t.Fatalf("%s: form chose %v, the stored ballot holds %v", c.Key, want, have)
			}
			if len(want) > c.Seats {
				t.Fatalf("%s: %d choices accepted for %d seats", c.Key, len(want), c.Seats)
			}
		}
	})
}

// FuzzParseToken: only the exact shape of a token passes, and what passes is returned
// unchanged; everything else is the same ErrNotFound an unknown token gets.
func FuzzParseToken(f *testing.F) {
	f.Add(DeriveToken([]byte("secret of at least thirty-two bytes!!"), "wise-ra-2023", 101, 1))
	f.Add(strings.Repeat("A", TokenLen))
	f.Add(strings.Repeat("_", TokenLen-1) + "B") // non-canonical last symbol
	f.Add("../../etc/passwd")
	f.Add(strings.Repeat("é", TokenLen))
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("ParseToken(%q) error of the wrong kind: %v", s, err)
			}
			return
		}
		if tok != s || len(tok) != TokenLen || strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			t.Fatalf("ParseToken(%q) accepted %q", s, tok)
		}
	})
}

// FuzzParseReceiptCode: any input either fails with ErrInvalid or gives a canonical code
// that parses to itself, whatever the case, spacing and hyphens the voter typed.
func FuzzParseReceiptCode(f *testing.F) {
	f.Add("K7QF9-XMC2R-TAHV3")
	f.Add("k7qf9 xmc2r tahv3")
	f.Add("K7QF9XMC2RTAHV3")
	f.Add("K7QF9-XMC2R-TAHV0")
	f.Add("ǅ7QF9-XMC2R-TAHV3") // a title-case letter that upper-cases to one in the alphabet
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		code, err := ParseReceiptCode(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseReceiptCode(%q) error of the wrong kind: %v", s, err)
			}
			return
		}
		if len(code) != ReceiptLen {
			t.Fatalf("ParseReceiptCode(%q) = %q, not %d characters", s, code, ReceiptLen)
		}
		for i, r := range code {
			if (i+1)%(receiptGroupSize+1) == 0 {
				if r != '-' {
					t.Fatalf("ParseReceiptCode(%q) = %q: no hyphen at %d", s, code, i)
				}
			} else if !strings.ContainsRune(receiptAlphabet, r) {
				t.Fatalf("ParseReceiptCode(%q) = %q: %q is not in the alphabet", s, code, r)
			}
		}
		if again, err := ParseReceiptCode(code); err != nil || again != code {
			t.Fatalf("canonical %q does not parse to itself: %q, %v", code, again, err)
		}
	})
}
