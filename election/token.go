package election

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
)

// Personal-link tokens.
//
// A member's link is PUBLIC_URL/v/{token}. The token is derived, not stored:
// HMAC-SHA256 keyed with CIVIVOTE_TOKEN_SECRET over (election slug, contact id,
// generation). The database keeps only SHA-256(token), so a copy of the database
// (a backup, a replica, a leak) holds no working link, while the daemon can always
// re-create a member's link from the secret to write it to CiviCRM again. Bumping the
// generation gives a new token, and because only the new hash is stored the old link
// stops working. The full 256-bit MAC is used: far beyond guessing range.

// TokenLen is the length of a token: 32 bytes in unpadded base64url.
const TokenLen = 43

// tokenContext separates these MACs from any other use of the same secret.
const tokenContext = "civivote personal link v1"

// DeriveToken returns the personal-link token of contact in election slug at
// generation. Each field is length-prefixed or fixed-width, so no two different
// inputs encode to the same message (("a", 1) and ("a1", …) cannot collide).
func DeriveToken(secret []byte, slug string, contactID int64, generation int) string {
	msg := make([]byte, 0, len(tokenContext)+len(slug)+4+4+8+8)
	msg = binary.BigEndian.AppendUint32(msg, uint32(len(tokenContext)))
	msg = append(msg, tokenContext...)
	msg = binary.BigEndian.AppendUint32(msg, uint32(len(slug)))
	msg = append(msg, slug...)
	msg = binary.BigEndian.AppendUint64(msg, uint64(contactID))
	msg = binary.BigEndian.AppendUint64(msg, uint64(generation))
	mac := hmac.New(sha256.New, secret)
	mac.Write(msg)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// HashToken returns what the database stores and looks a token up by.
func HashToken(token string) [32]byte {
	return sha256.Sum256([]byte(token))
}

// ParseToken checks that s has the exact shape of a token (43 characters of the
// base64url alphabet, canonical encoding) and returns it. Call it before any lookup:
// anything else in the URL, from a truncated link to a scanner's probe, is refused
// here with ErrNotFound (the same answer an unknown token gets) and never reaches the
// database. Line breaks are refused first: the base64 decoder skips them, so a
// 43-character string holding one would otherwise pass.
func ParseToken(s string) (string, error) {
	if len(s) != TokenLen || strings.ContainsAny(s, "\r\n") {
		return "", Errorf(ErrNotFound, "this link is not valid; check that you copied all of it")
	}
	if _, err := base64.RawURLEncoding.Strict().DecodeString(s); err != nil {
		return "", Errorf(ErrNotFound, "this link is not valid; check that you copied all of it")
	}
	return s, nil
}
