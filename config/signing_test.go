package config

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSigningKeyForms(t *testing.T) {
	seed := bytes.Repeat([]byte{9}, ed25519.SeedSize)
	want := ed25519.NewKeyFromSeed(seed)
	der, err := x509.MarshalPKCS8PrivateKey(want)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	for name, s := range map[string]string{
		"seed":          base64.StdEncoding.EncodeToString(seed),
		"seed unpadded": base64.RawStdEncoding.EncodeToString(seed),
		"private key":   base64.StdEncoding.EncodeToString(want),
		"pem":           pemKey,
	} {
		got, err := ParseSigningKey(s)
		if err != nil || !want.Equal(got) {
			t.Errorf("%s: got %x, %v", name, got, err)
		}
	}
	if k, err := ParseSigningKey(""); k != nil || err != nil {
		t.Errorf("empty: got %v, %v; want no key", k, err)
	}

	// From a file, as a deployment keeps it.
	dir := t.TempDir()
	file := filepath.Join(dir, "results-key.pem")
	if err := os.WriteFile(file, []byte(pemKey), 0o600); err != nil {
		t.Fatal(err)
	}
	env := validEnv()
	env["CIVIVOTE_RESULTS_SIGNING_KEY_FILE"] = file
	cfg, err := Load(getenv(env))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cfg.SigningKey(); err != nil || !want.Equal(got) {
		t.Errorf("key from file: %x, %v", got, err)
	}
	for _, s := range cfg.Redacted() {
		if s.Name == "CIVIVOTE_RESULTS_SIGNING_KEY" && s.Value != "(set, hidden)" {
			t.Errorf("redacted dump shows %q", s.Value)
		}
	}
	cfg, err = Load(getenv(validEnv()))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cfg.SigningKey(); got != nil || err != nil {
		t.Errorf("unset: got %v, %v", got, err)
	}
}

func TestSigningKeyRefused(t *testing.T) {
	wrongHalf := append(bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)...)
	for name, s := range map[string]string{
		"not base64":  "not base64!",
		"16 bytes":    base64.StdEncoding.EncodeToString(make([]byte, 16)),
		"wrong half":  base64.StdEncoding.EncodeToString(wrongHalf),
		"other pem":   "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n",
		"garbage pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
	} {
		env := validEnv()
		env["CIVIVOTE_RESULTS_SIGNING_KEY"] = s
		_, err := Load(getenv(env))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "CIVIVOTE_RESULTS_SIGNING_KEY ") || !strings.Contains(msg, "head -c 32 /dev/urandom | base64") {
			t.Errorf("%s: message does not name the variable and how to make a key:\n%s", name, msg)
		}
		if len(s) > 8 && strings.Contains(msg, s) {
			t.Errorf("%s: message repeats the key:\n%s", name, msg)
		}
	}
}
