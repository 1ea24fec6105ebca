package main

import (
	"strings"
	"testing"
)

// TestCommandGroupsNameTheirVerbs checks what a command group answers when its verb is
// missing, unknown or --help: exit 2 naming the verbs, or the usage on stdout.
func TestCommandGroupsNameTheirVerbs(t *testing.T) {
	for _, tc := range []struct {
		group, verbs string
	}{
		{"election", "apply, list, show or advance"},
		{"candidates", "list, accept or reject"},
		{"tokens", "issue or reissue"},
		{"outbox", "status, failed or retry"},
	} {
		_, _, err := runForTest(t, nil, tc.group)
		if exitCode(err) != 2 || !strings.Contains(err.Error(), "say "+tc.verbs) {
			t.Errorf("civivote %s: exit %d, %v; want 2 naming %s", tc.group, exitCode(err), err, tc.verbs)
		}
		_, _, err = runForTest(t, nil, tc.group, "frobnicate")
		if exitCode(err) != 2 || !strings.Contains(err.Error(), `unknown subcommand "frobnicate": say `+tc.verbs) {
			t.Errorf("civivote %s frobnicate: exit %d, %v", tc.group, exitCode(err), err)
		}
		out, _, err := runForTest(t, nil, tc.group, "--help")
		if err != nil || !strings.HasPrefix(out, "Usage: civivote "+tc.group) {
			t.Errorf("civivote %s --help: %v, printed %q", tc.group, err, out)
		}
	}
}
