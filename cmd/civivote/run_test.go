package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func runForTest(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String(), errOut.String(), err
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func TestServeWithoutEnvironmentNamesEveryRequiredVariable(t *testing.T) {
	_, _, err := runForTest(t, nil, "serve")
	if exitCode(err) != 2 {
		t.Fatalf("exit code %d (%v), want 2", exitCode(err), err)
	}
	for _, name := range []string{"CIVIVOTE_MYSQL_DSN", "CIVIVOTE_CIVICRM_URL", "CIVIVOTE_CIVICRM_API_KEY", "CIVIVOTE_PUBLIC_URL", "CIVIVOTE_TOKEN_SECRET"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestUsageMistakesExitTwo(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"serve", "--no-such-flag"}, {"version", "extra"}} {
		_, _, err := runForTest(t, nil, args...)
		if exitCode(err) != 2 {
			t.Errorf("%q: exit code %d (%v), want 2", args, exitCode(err), err)
		}
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for name := range commands {
		out, _, err := runForTest(t, nil, name, "--help")
		if err != nil {
			t.Errorf("%s --help: %v", name, err)
		}
		if !strings.HasPrefix(out, "Usage: civivote "+name) {
			t.Errorf("%s --help printed %q", name, out)
		}
	}
	out, _, _ := runForTest(t, nil, "serve", "--help")
	for _, want := range []string{"CIVIVOTE_TOKEN_SECRET", "default :8080", "secret, or put it in a file named by CIVIVOTE_CIVICRM_API_KEY_FILE"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --help lacks %q", want)
		}
	}
	out, _, err := runForTest(t, nil, "--help")
	if err != nil || !strings.Contains(out, "migrate") {
		t.Errorf("--help = %q, %v", out, err)
	}
}

func TestVersion(t *testing.T) {
	out, _, err := runForTest(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "civivote ") {
		t.Errorf("version = %q, %v", out, err)
	}
}
