package main

import (
	"strings"
	"testing"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

func checkEnv(url, key string) map[string]string {
	return map[string]string{
		"CIVIVOTE_MYSQL_DSN":              "root@tcp(127.0.0.1:3306)/unused",
		"CIVIVOTE_CIVICRM_URL":            url,
		"CIVIVOTE_CIVICRM_API_KEY":        key,
		"CIVIVOTE_PUBLIC_URL":             "https://vote.example.org",
		"CIVIVOTE_TOKEN_SECRET":           testTokenSecret,
		"CIVIVOTE_CIVICRM_ORG_CONTACT_ID": "4",
	}
}

func TestCheckReportsWhatTheCiviCRMAdminNeeds(t *testing.T) {
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite())
	out, _, err := runForTest(t, checkEnv(fake.URL(), civicrmtest.AdminKey), "check")
	if err != nil {
		t.Fatalf("check: %v\n%s", err, out)
	}
	for _, want := range []string{"current memberships:   30", "{contact.custom_1}", "Test Union (contact 4)", "Officer of (type 11)", "Everything civivote needs is in place."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	env := checkEnv(fake.URL(), "not-the-key")
	env["CIVIVOTE_CIVICRM_LINK_FIELD"] = "Union_Sync.no_such_field"
	out, _, err = runForTest(t, env, "check")
	if exitCode(err) != 1 || !strings.Contains(out, "CIVIVOTE_CIVICRM_API_KEY") {
		t.Errorf("wrong key: exit %d, output:\n%s", exitCode(err), out)
	}
	env = checkEnv(fake.URL(), civicrmtest.AdminKey)
	env["CIVIVOTE_CIVICRM_LINK_FIELD"] = "Union_Sync.no_such_field"
	out, _, err = runForTest(t, env, "check")
	if exitCode(err) != 1 || !strings.Contains(out, "no_such_field") {
		t.Errorf("missing link field: exit %d, output:\n%s", exitCode(err), out)
	}
	for _, secret := range []string{"not-the-key", civicrmtest.AdminKey} {
		if strings.Contains(out, secret) {
			t.Errorf("the output shows an API key:\n%s", out)
		}
	}
}
