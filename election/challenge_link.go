package election

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
)

// Challenge links.
//
// A member who lapsed keeps their personal link (the roll revokes it, but it still opens a
// page that says why they cannot vote, and that page offers the challenged ballot). A
// member who joined after roll_closes never got one. For them, and for anyone off the roll
// who lost their link, the committee issues a challenge link (`civivote challenges link`):
// PUBLIC_URL/c/{slug}/{token}, where the token is the contact id followed by
// HMAC-SHA256(CIVIVOTE_TOKEN_SECRET, context, slug, contact id). It is checked by
// computing the MAC again, so nothing is stored and there is nothing to look up; it opens
// only the challenged-ballot page of that one member in that one election, and it can
// cast only what every challenged ballot is: one ballot, set apart until the committee
// rules. Its context differs from personal links', so neither can stand for the other.

// challengeContext separates challenge-link MACs from personal links' and form tokens'.
const challengeContext = "civivote challenge link v1"

// ChallengeTokenLen is the length of a challenge token: 8 + 32 bytes in unpadded base64url.
const ChallengeTokenLen = 54

func challengeMAC(secret []byte, slug string, contactID int64) []byte {
	msg := make([]byte, 0, len(challengeContext)+len(slug)+16)
	msg = binary.BigEndian.AppendUint32(msg, uint32(len(challengeContext)))
	msg = append(msg, challengeContext...)
	msg = binary.BigEndian.AppendUint32(msg, uint32(len(slug)))
	msg = append(msg, slug...)
	msg = binary.BigEndian.AppendUint64(msg, uint64(contactID))
	mac := hmac.New(sha256.New, secret)
	mac.Write(msg)
	return mac.Sum(nil)
}

// ChallengeToken returns the challenge-link token of contact in election slug.
func ChallengeToken(secret []byte, slug string, contactID int64) string {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 40), uint64(contactID))
	return base64.RawURLEncoding.EncodeToString(append(b, challengeMAC(secret, slug, contactID)...))
}

// ParseChallengeToken returns the contact id of a challenge token of election slug, or
// ErrNotFound for anything else: a mistyped, truncated or forged token, or one of another
// election. The MAC is compared in constant time.
func ParseChallengeToken(secret []byte, slug, token string) (int64, error) {
	notFound := Errorf(ErrNotFound, "this challenge link is not valid; check that you copied all of it")
	if len(token) != ChallengeTokenLen {
		return 0, notFound
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(b) != 40 {
		return 0, notFound
	}
	contactID := int64(binary.BigEndian.Uint64(b[:8]))
	if contactID <= 0 || !hmac.Equal(b[8:], challengeMAC(secret, slug, contactID)) {
		return 0, notFound
	}
	return contactID, nil
}
