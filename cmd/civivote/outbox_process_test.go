package main

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
	"github.com/civivote/civivote/outbox"
	"github.com/civivote/civivote/store/storetest"
)

// waitUntil returns the first log line with msg for which ok holds, or fails when the
// process ends first.
func (l *logLines) waitUntil(t *testing.T, msg string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case m, open := <-l.seen:
			if !open {
				t.Fatalf("process ended before logging %q as expected; its output:\n%s", msg, l.text())
			}
			if m["msg"] == msg && ok(m) {
				return m
			}
		case <-timeout:
			t.Fatalf("no %q log line as expected within a minute; output so far:\n%s", msg, l.text())
		}
	}
}

func startServe(t *testing.T, env []string) (*exec.Cmd, *logLines, string) {
	t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = env
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	logs := startLogReader(stderr)
	return cmd, logs, "http://" + logs.waitFor(t, "listening")["addr"].(string)
}

func drainedEmpty(m map[string]any) bool { return m["pending"] == float64(0) }

// serve delivers queued links and group adds; stopped in the middle of a drain it hands its
// batch back and loses nothing, and the next start finishes the job. The admin API, the
// metrics, the outbox commands and election show report the backlog and the failures, and
// a retry delivers a failed write once its cause is fixed.
func TestServeDrainsTheOutboxAcrossARestartAndShowsFailures(t *testing.T) {
	// One slow CiviCRM worker, so that a drain of 50 links in batches of 10 takes a while.
	fake := civicrmtest.NewTestServer(t, civicrmtest.WithTranscriptSite(), civicrmtest.WithWorkers(1),
		civicrmtest.WithWriteCost("Contact", 30*time.Millisecond))
	dsn := storetest.NewDatabase(t)
	db := storetest.OpenDSN(t, dsn)
	ctx := context.Background()
	const missing = 60 // not (yet) a CiviCRM contact
	if _, ok := fake.Contact(missing); ok {
		t.Fatalf("contact %d exists on the fake site", missing)
	}
	ids := transcriptMembers()
	items := append(electionItems(ids, 0),
		outbox.SetLink(outbox.Link{Field: linkField, Election: outboxSlug, ContactID: missing}))
	if _, err := db.Outbox().Enqueue(ctx, items); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"CIVIVOTE_MYSQL_DSN=" + dsn,
		"CIVIVOTE_CIVICRM_URL=" + fake.URL(),
		"CIVIVOTE_CIVICRM_API_KEY=" + civicrmtest.AdminKey,
		"CIVIVOTE_PUBLIC_URL=https://vote.example.org",
		"CIVIVOTE_TOKEN_SECRET=" + testTokenSecret,
		"CIVIVOTE_LISTEN_ADDR=127.0.0.1:0",
		"CIVIVOTE_ADMIN_TOKEN=" + adminToken,
		"CIVIVOTE_OBSERVER_TOKEN=" + observerToken,
		"CIVIVOTE_SYNC_SCHEDULE=0 3 1 1 *", // not during the test
		"CIVIVOTE_OUTBOX_SCHEDULE=@every 1s",
		"CIVIVOTE_OUTBOX_BATCH=10",
		"CIVIVOTE_OUTBOX_WRITERS=1",
	}

	// Stop the first process as soon as CiviCRM has taken its first batch of links.
	firstBatch := make(chan struct{})
	fake.AfterCall("Contact", "save", 1, func(*civicrmtest.Server) { close(firstBatch) })
	cmd, logs, _ := startServe(t, env)
	select {
	case <-firstBatch:
	case <-time.After(60 * time.Second):
		t.Fatalf("serve sent no Contact.save within a minute:\n%s", logs.text())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	logs.waitFor(t, "stopped")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve did not stop cleanly in the middle of a drain: %v\n%s", err, logs.text())
	}
	mid, err := db.Outbox().ElectionOutbox(ctx, outboxSlug)
	if err != nil {
		t.Fatal(err)
	}
	if l := mid[outbox.KindLink]; l.Pending == 0 || l.Pending+l.Delivered+l.Failed != len(ids)+1 {
		t.Fatalf("links after the stop: %+v, want some still pending and none lost", l)
	}
	var held int
	if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE claimed_until > UTC_TIMESTAMP(6)`).Scan(&held); err != nil || held != 0 {
		t.Errorf("%d items still claimed by the stopped process (%v): they would wait for the claim to expire", held, err)
	}

	// The next start delivers the rest.
	_, logs, base := startServe(t, env)
	logs.waitUntil(t, "outbox drained", drainedEmpty)
	checkDelivered(t, fake, ids, nil)
	twice := 0
	for id, n := range linkSaves(fake) {
		if n > 2 || (n == 2 && id == missing) {
			t.Errorf("contact %d's link was saved by %d successful calls", id, n)
		}
		if n == 2 {
			twice++
		}
	}
	if twice > 10 {
		t.Errorf("%d links were saved twice; only the batch cut off by the stop (10) may be", twice)
	}

	// The missing contact's link failed for good, and every view says so.
	code, body := apiCall(t, "GET", base+"/api/admin/outbox", observerToken, "")
	byKind, _ := body["by_kind"].(map[string]any)
	link, _ := byKind["link"].(map[string]any)
	if code != http.StatusOK || body["pending"] != float64(0) || body["failed"] != float64(1) || link["failed"] != float64(1) {
		t.Errorf("GET /api/admin/outbox: %d %v", code, body)
	}
	code, body = apiCall(t, "GET", base+"/api/admin/outbox/failed", observerToken, "")
	failed, _ := body["items"].([]any)
	if code != http.StatusOK || len(failed) != 1 {
		t.Fatalf("GET /api/admin/outbox/failed: %d %v", code, body)
	}
	item := failed[0].(map[string]any)
	if item["key"] != fmt.Sprintf("link:%s:%d:0", outboxSlug, missing) ||
		!strings.Contains(item["last_error"].(string), fmt.Sprintf("CiviCRM has no contact %d", missing)) {
		t.Errorf("failed item: %v", item)
	}
	if code, _ := apiCall(t, "POST", base+"/api/admin/outbox/retry", observerToken, `{"all":true}`); code != http.StatusForbidden {
		t.Errorf("retry with the observer token: %d, want 403", code)
	}
	if code, body := apiCall(t, "POST", base+"/api/admin/outbox/retry", adminToken, `{}`); code != http.StatusBadRequest ||
		!strings.Contains(body["error"].(string), `{"all":true}`) {
		t.Errorf("retry without saying what: %d %v", code, body)
	}
	if _, metrics := httpGet(t, base+"/metrics"); !strings.Contains(metrics, `civivote_outbox_backlog{state="failed"} 1`) ||
		!strings.Contains(metrics, `civivote_outbox_items{kind="link",state="failed"} 1`) {
		t.Errorf("/metrics lacks the failed link")
	}
	cli := map[string]string{"CIVIVOTE_MYSQL_DSN": dsn, "CIVIVOTE_LOG_LEVEL": "warn"}
	if out := mustRun(t, cli, "outbox", "status"); !strings.Contains(out, "0 pending (0 due now), 1 failed") {
		t.Errorf("outbox status:\n%s", out)
	}
	if out := mustRun(t, cli, "outbox", "failed"); !strings.Contains(out, fmt.Sprintf("CiviCRM has no contact %d", missing)) {
		t.Errorf("outbox failed:\n%s", out)
	}

	// The contact comes back (restored in CiviCRM): a retry delivers its link.
	for {
		if id := fake.AddContact(civicrmtest.Contact{FirstName: "Late", LastName: "Member"}); id >= missing {
			break
		}
	}
	if out := mustRun(t, cli, "outbox", "retry", "--all"); !strings.HasPrefix(out, "1 failed writes queued again") {
		t.Errorf("outbox retry --all:\n%s", out)
	}
	logs.waitUntil(t, "outbox drained", func(m map[string]any) bool { return drainedEmpty(m) && m["failed_total"] == float64(0) })
	if v, _ := fake.CustomValue(missing, linkField); v != wantURL(missing, 0) {
		t.Errorf("contact %d holds %q after the retry, want its link", missing, v)
	}
	if out := mustRun(t, cli, "outbox", "status"); !strings.Contains(out, "outbox: empty") {
		t.Errorf("outbox status after the retry:\n%s", out)
	}

	mustRun(t, cli, "election", "apply", "-f", electionFixture(t, "wise-ra-2023.yaml"))
	show := mustRun(t, cli, "election", "show", outboxSlug)
	for _, want := range []string{"links:               0 pending, 0 failed, 51 delivered",
		"group changes:       0 pending, 0 failed, 50 delivered", "everything has reached CiviCRM"} {
		if !strings.Contains(show, want) {
			t.Errorf("election show lacks %q:\n%s", want, show)
		}
	}
	if strings.Contains(logs.text(), "/v/") {
		t.Error("a personal link appears in the logs")
	}
}

// linkSaves counts, per contact, the successful Contact.save calls that wrote its link. (The
// fake records ids as integers, not JSON's float64: saveCounts reads either.)
func linkSaves(fake *civicrmtest.Server) map[int64]int {
	return saveCounts(fake, "Contact", "id")
}
