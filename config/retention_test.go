package config

import (
	"strings"
	"testing"
)

func TestRetentionDays(t *testing.T) {
	cfg, err := Load(getenv(validEnv()))
	if err != nil || cfg.RetentionDays != 365 {
		t.Fatalf("default retention %v, %v; want 365 days", cfg, err)
	}
	env := validEnv()
	env["CIVIVOTE_RETENTION_DAYS"] = "0"
	_, err = Load(getenv(env))
	if err == nil || !strings.Contains(err.Error(), "CIVIVOTE_RETENTION_DAYS must be a positive number of days") {
		t.Errorf("retention 0: %v", err)
	}
}

func TestLoadDatabaseWithReadsTheNamedSecretFromItsFile(t *testing.T) {
	env := map[string]string{"CIVIVOTE_MYSQL_DSN": "civivote:pw@tcp(127.0.0.1:3306)/civivote",
		"CIVIVOTE_RESULTS_SIGNING_KEY": "not base64!"}
	if _, err := LoadDatabase(getenv(env)); err != nil {
		t.Errorf("LoadDatabase checks a variable it does not need: %v", err)
	}
	_, err := LoadDatabaseWith("CIVIVOTE_RESULTS_SIGNING_KEY")(getenv(env))
	if err == nil || !strings.Contains(err.Error(), "CIVIVOTE_RESULTS_SIGNING_KEY") {
		t.Errorf("a malformed key the command needs: %v", err)
	}
}
