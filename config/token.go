package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// MinBearerTokenLen is the shortest plain admin or observer token accepted.
const MinBearerTokenLen = 20

// ParseBearerToken reads an admin or observer token as configured: either the token itself
// or "sha256:" and the hex SHA-256 of it, so a deployment need not keep the token in clear.
// It returns the digest that requests are compared against.
func ParseBearerToken(s string) ([32]byte, error) {
	var digest [32]byte
	if hexDigest, ok := strings.CutPrefix(s, "sha256:"); ok {
		b, err := hex.DecodeString(hexDigest)
		if err != nil || len(b) != 32 {
			return digest, errors.New("must be sha256: followed by 64 hex digits (e.g. from `printf %s TOKEN | sha256sum`)")
		}
		copy(digest[:], b)
		return digest, nil
	}
	if len(s) < MinBearerTokenLen {
		return digest, errors.New("must be at least 20 characters: generate one with `openssl rand -base64 32`")
	}
	return sha256.Sum256([]byte(s)), nil
}
