package election

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// receiptAlphabet holds the 30 digits and capitals that are hard to confuse when read
// aloud, copied by hand or seen in a poor font: no 0/O, no 1/I/L, and no U (read as V).
const receiptAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// Receipt code shape: three groups of five symbols, e.g. "K7QF9-XMC2R-TAHV3".
// 15 symbols of 30 give about 73.6 bits: unguessable, and collisions are negligible
// even for millions of ballots. (Three groups of four would give only 58.9 bits.)
const (
	receiptGroups    = 3
	receiptGroupSize = 5
	// ReceiptLen is the length of a receipt code with its hyphens.
	ReceiptLen = receiptGroups*receiptGroupSize + receiptGroups - 1
)

// NewReceiptCode returns a random receipt code read from rand (crypto/rand.Reader in
// production). The voter sees it once and finds it in the published list of counted
// ballots. Each symbol is drawn without bias by rejecting bytes ≥ 240.
func NewReceiptCode(rand io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 32)
	n := 0
	for n < receiptGroups*receiptGroupSize {
		if _, err := io.ReadFull(rand, buf); err != nil {
			return "", fmt.Errorf("election: receipt code: %w", err)
		}
		for _, x := range buf {
			if x >= 240 || n == receiptGroups*receiptGroupSize {
				continue
			}
			if n > 0 && n%receiptGroupSize == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(receiptAlphabet[int(x)%len(receiptAlphabet)])
			n++
		}
	}
	return b.String(), nil
}

// ParseReceiptCode reads a code as a voter types it (any case, with or without
// hyphens or spaces) and returns it in canonical form, or ErrInvalid.
func ParseReceiptCode(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == '-' || r == ' ' {
			continue
		}
		if !strings.ContainsRune(receiptAlphabet, r) {
			return "", Errorf(ErrInvalid, "%q is not a receipt code: codes look like K7QF9-XMC2R-TAHV3 and contain no 0, 1, I, L, O or U", s)
		}
		if b.Len() > 0 && b.Len()%(receiptGroupSize+1) == receiptGroupSize {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	if b.Len() != ReceiptLen {
		return "", Errorf(ErrInvalid, "%q is not a receipt code: codes have %d letters and digits, like K7QF9-XMC2R-TAHV3", s, receiptGroups*receiptGroupSize)
	}
	return b.String(), nil
}

// BallotID identifies a stored ballot. It is random, so it carries no order that
// could follow casting time and no link to the voter.
type BallotID [16]byte

// NewBallotID returns a random ballot id read from rand (crypto/rand.Reader in
// production).
func NewBallotID(rand io.Reader) (BallotID, error) {
	var id BallotID
	if _, err := io.ReadFull(rand, id[:]); err != nil {
		return BallotID{}, fmt.Errorf("election: ballot id: %w", err)
	}
	return id, nil
}

// String returns the id in hex.
func (id BallotID) String() string { return hex.EncodeToString(id[:]) }
