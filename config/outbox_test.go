package config

import (
	"strings"
	"testing"
)

func TestOutboxDefaultsAndLimits(t *testing.T) {
	cfg, err := Load(getenv(validEnv()))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OutboxWriters != 2 || cfg.OutboxBatch != 150 || cfg.OutboxSchedule != "@every 15s" {
		t.Errorf("defaults: writers %d, batch %d, schedule %q", cfg.OutboxWriters, cfg.OutboxBatch, cfg.OutboxSchedule)
	}
	env := validEnv()
	env["CIVIVOTE_OUTBOX_WRITERS"] = "0"
	env["CIVIVOTE_OUTBOX_BATCH"] = "5000"
	env["CIVIVOTE_OUTBOX_SCHEDULE"] = "every 15 seconds"
	_, err = Load(getenv(env))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"CIVIVOTE_OUTBOX_WRITERS must be between 1 and 16, got 0",
		"CIVIVOTE_OUTBOX_BATCH must be between 1 and 500, got 5000", "CIVIVOTE_OUTBOX_SCHEDULE is not a schedule"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("lacks %q:\n%v", want, err)
		}
	}
	var help strings.Builder
	if err := WriteHelp(&help); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"CIVIVOTE_OUTBOX_WRITERS  (default 2)", "CIVIVOTE_OUTBOX_BATCH  (default 150)", "CIVIVOTE_OUTBOX_SCHEDULE  (default @every 15s)"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}
}
