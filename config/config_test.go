package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func validEnv() map[string]string {
	return map[string]string{
		"CIVIVOTE_MYSQL_DSN":       "civivote:pw@tcp(127.0.0.1:3306)/civivote",
		"CIVIVOTE_CIVICRM_URL":     "https://crm.example.org",
		"CIVIVOTE_CIVICRM_API_KEY": "civikey",
		"CIVIVOTE_PUBLIC_URL":      "https://vote.example.org",
		"CIVIVOTE_TOKEN_SECRET":    strings.Repeat("s", 32),
	}
}

func getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := Load(getenv(validEnv()))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ListenAddr != ":8080" || cfg.LogFormat != "json" || cfg.LogLevel != "info" ||
		cfg.CiviCRMLinkField != "Union_Sync.voting_link" || cfg.CiviCRMTimeout != 60*time.Second {
		t.Errorf("defaults not applied: %+v", cfg)
	}
}

func TestLoadNamesEveryMissingRequiredVariable(t *testing.T) {
	_, err := Load(getenv(nil))
	var cerr *Error
	if !errors.As(err, &cerr) {
		t.Fatalf("want *Error, got %v", err)
	}
	msg := err.Error()
	for _, name := range []string{"CIVIVOTE_MYSQL_DSN", "CIVIVOTE_CIVICRM_URL", "CIVIVOTE_CIVICRM_API_KEY", "CIVIVOTE_PUBLIC_URL", "CIVIVOTE_TOKEN_SECRET"} {
		if !strings.Contains(msg, name+" is required") {
			t.Errorf("message does not name %s:\n%s", name, msg)
		}
	}
	if len(cerr.Problems) != 5 {
		t.Errorf("want 5 problems, got %d:\n%s", len(cerr.Problems), msg)
	}
}

func TestLoadReportsEveryMalformedVariable(t *testing.T) {
	env := validEnv()
	env["CIVIVOTE_TOKEN_SECRET"] = "short-secret"
	env["CIVIVOTE_CIVICRM_URL"] = "crm.example.org"
	env["CIVIVOTE_CIVICRM_TIMEOUT"] = "soon"
	env["CIVIVOTE_LOG_FORMAT"] = "xml"
	env["CIVIVOTE_LISTEN_ADDR"] = "8080"
	env["CIVIVOTE_CIVICRM_LINK_FIELD"] = "voting_link"
	env["CIVIVOTE_MYSQL_DSN"] = "not a dsn with secretpassword"
	_, err := Load(getenv(env))
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	for _, want := range []string{
		"CIVIVOTE_TOKEN_SECRET must be at least 32 bytes, got 12",
		"CIVIVOTE_CIVICRM_URL must start with https://",
		`CIVIVOTE_CIVICRM_TIMEOUT must be a duration such as 30s, 5m or 1h, got "soon"`,
		`CIVIVOTE_LOG_FORMAT must be json or console, got "xml"`,
		`CIVIVOTE_LISTEN_ADDR must be host:port`,
		`CIVIVOTE_CIVICRM_LINK_FIELD must be CustomGroupName.field_name`,
		`CIVIVOTE_MYSQL_DSN is not a valid MySQL DSN`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "short-secret") || strings.Contains(msg, "secretpassword") {
		t.Errorf("message leaks a secret:\n%s", msg)
	}
}

func TestLoadSecretFromFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	secret := strings.Repeat("f", 40)
	if err := os.WriteFile(file, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := validEnv()
	delete(env, "CIVIVOTE_TOKEN_SECRET")
	env["CIVIVOTE_TOKEN_SECRET_FILE"] = file
	cfg, err := Load(getenv(env))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TokenSecret != secret {
		t.Errorf("TokenSecret = %q, want the file's content without its newline", cfg.TokenSecret)
	}

	env["CIVIVOTE_TOKEN_SECRET"] = secret
	if _, err := Load(getenv(env)); err == nil || !strings.Contains(err.Error(), "set only one of them") {
		t.Errorf("both set: want a clear error, got %v", err)
	}
	delete(env, "CIVIVOTE_TOKEN_SECRET")
	env["CIVIVOTE_TOKEN_SECRET_FILE"] = filepath.Join(dir, "missing")
	if _, err := Load(getenv(env)); err == nil || !strings.Contains(err.Error(), "CIVIVOTE_TOKEN_SECRET_FILE: cannot read") {
		t.Errorf("missing file: want a clear error, got %v", err)
	}
}

func TestRedactedHidesSecrets(t *testing.T) {
	cfg, err := Load(getenv(validEnv()))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, s := range cfg.Redacted() {
		out.WriteString(s.Name + "=" + s.Value + "\n")
	}
	for _, secret := range []string{"civikey", strings.Repeat("s", 32), "pw@tcp"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("redacted dump shows %q:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), "CIVIVOTE_CIVICRM_URL=https://crm.example.org") {
		t.Errorf("redacted dump should show plain values:\n%s", out.String())
	}
}

func TestWriteHelpListsEveryVariable(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHelp(&buf); err != nil {
		t.Fatal(err)
	}
	for _, v := range Variables() {
		if !strings.Contains(buf.String(), v.Name) {
			t.Errorf("help lacks %s", v.Name)
		}
	}
	if !strings.Contains(buf.String(), "CIVIVOTE_TOKEN_SECRET  (required; secret, or put it in a file named by CIVIVOTE_TOKEN_SECRET_FILE)") {
		t.Errorf("help does not mark secrets:\n%s", buf.String())
	}
}

func TestLoadDatabaseNeedsOnlyTheDatabase(t *testing.T) {
	cfg, err := LoadDatabase(getenv(map[string]string{"CIVIVOTE_MYSQL_DSN": "u:p@tcp(db:3306)/civivote"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MySQLDSN == "" || cfg.DBMaxOpenConns != 32 {
		t.Errorf("database settings not loaded: %+v", cfg)
	}
	_, err = LoadDatabase(getenv(map[string]string{"CIVIVOTE_LOG_LEVEL": "loud"}))
	if err == nil || !strings.Contains(err.Error(), "CIVIVOTE_MYSQL_DSN is required") || !strings.Contains(err.Error(), "CIVIVOTE_LOG_LEVEL") ||
		strings.Contains(err.Error(), "CIVICRM") {
		t.Errorf("got %v", err)
	}
}

func TestBearerTokens(t *testing.T) {
	env := validEnv()
	env["CIVIVOTE_ADMIN_TOKEN"] = "sha256:" + strings.Repeat("ab", 32)
	env["CIVIVOTE_OBSERVER_TOKEN"] = "observer-token-long-enough"
	if _, err := Load(getenv(env)); err != nil {
		t.Fatal(err)
	}
	env["CIVIVOTE_ADMIN_TOKEN"] = "tiny-tok"
	env["CIVIVOTE_OBSERVER_TOKEN"] = "sha256:nothex"
	env["CIVIVOTE_SYNC_SCHEDULE"] = "every 15 minutes"
	_, err := Load(getenv(env))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"CIVIVOTE_ADMIN_TOKEN must be at least 20 characters", "CIVIVOTE_OBSERVER_TOKEN must be sha256: followed by 64 hex digits", "CIVIVOTE_SYNC_SCHEDULE is not a cron schedule"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "tiny-tok") {
		t.Errorf("leaks the token:\n%v", err)
	}
}
