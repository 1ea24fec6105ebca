package config

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// signingKeyHelp says how to make a results signing key; it ends every complaint about one.
const signingKeyHelp = "give the base64 of a 32-byte Ed25519 seed (make one with `head -c 32 /dev/urandom | base64`), " +
	"or put a PEM key from `openssl genpkey -algorithm ed25519 -out results-key.pem` in a file named by CIVIVOTE_RESULTS_SIGNING_KEY_FILE"

// ParseSigningKey reads the Ed25519 key that signs published results: the base64
// (standard alphabet, padded or not) of a 32-byte seed or of a 64-byte private key, or
// a PKCS #8 PEM block as `openssl genpkey -algorithm ed25519` writes it. An empty
// string means results are published unsigned, and gives a nil key.
func ParseSigningKey(s string) (ed25519.PrivateKey, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if strings.HasPrefix(s, "-----BEGIN") {
		block, _ := pem.Decode([]byte(s))
		if block == nil || block.Type != "PRIVATE KEY" {
			return nil, errors.New("is a PEM file but not a PRIVATE KEY block: " + signingKeyHelp)
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("is a PEM private key that cannot be read: " + signingKeyHelp)
		}
		key, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, errors.New("is a private key of another algorithm, not Ed25519: " + signingKeyHelp)
		}
		return key, nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, errors.New("is not base64: " + signingKeyHelp)
	}
	switch len(raw) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	case ed25519.PrivateKeySize:
		key := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
		if !key.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(raw[ed25519.SeedSize:])) {
			return nil, errors.New("is 64 bytes whose second half is not the public key of the first: " + signingKeyHelp)
		}
		return key, nil
	}
	return nil, fmt.Errorf("decodes to %d bytes, not 32 (a seed) or 64 (a private key): %s", len(raw), signingKeyHelp)
}

// SigningKey returns the key that signs published results, or nil when
// CIVIVOTE_RESULTS_SIGNING_KEY is not set. A Config from Load has a well-formed key.
func (c *Config) SigningKey() (ed25519.PrivateKey, error) {
	key, err := ParseSigningKey(c.ResultsSigningKey)
	if err != nil {
		return nil, fmt.Errorf("%sRESULTS_SIGNING_KEY %w", Prefix, err)
	}
	return key, nil
}
