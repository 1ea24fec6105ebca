package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/civivote/civivote/store"
	"github.com/civivote/civivote/store/storetest"
)

// binary is the civivote executable built once for the tests that run the real process.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "civivote-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "civivote")
	build := exec.Command("go", "build", "-race", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building civivote:", err)
		os.Exit(1)
	}
	code := storetest.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	testAPIKey      = "civi-api-key-must-not-be-logged"
	testTokenSecret = "token-secret-that-must-never-appear-in-logs-0123456789"
)

func serveEnv(dsn string) []string {
	return []string{
		"CIVIVOTE_MYSQL_DSN=" + dsn,
		"CIVIVOTE_CIVICRM_URL=http://127.0.0.1:1",
		"CIVIVOTE_CIVICRM_API_KEY=" + testAPIKey,
		"CIVIVOTE_PUBLIC_URL=http://127.0.0.1:8080",
		"CIVIVOTE_TOKEN_SECRET=" + testTokenSecret,
		"CIVIVOTE_LISTEN_ADDR=127.0.0.1:0",
	}
}

// logLines collects a process's JSON log lines and tells when a message appears.
type logLines struct {
	mu    sync.Mutex
	raw   strings.Builder
	lines []map[string]any
	seen  chan map[string]any
}

func startLogReader(r io.Reader) *logLines {
	l := &logLines{seen: make(chan map[string]any, 1000)}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			var m map[string]any
			l.mu.Lock()
			l.raw.WriteString(sc.Text() + "\n")
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				l.lines = append(l.lines, m)
			}
			l.mu.Unlock()
			if m != nil {
				l.seen <- m
			}
		}
		close(l.seen)
	}()
	return l
}

// waitFor returns the first log line with msg, or fails when the process ends first.
func (l *logLines) waitFor(t *testing.T, msg string) map[string]any {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case m, ok := <-l.seen:
			if !ok {
				t.Fatalf("process ended before logging %q; its output:\n%s", msg, l.text())
			}
			if m["msg"] == msg {
				return m
			}
		case <-timeout:
			t.Fatalf("no %q log line within a minute; output so far:\n%s", msg, l.text())
		}
	}
}

func (l *logLines) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.raw.String()
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeMigratesServesAndStopsOnSIGTERM(t *testing.T) {
	dsn := storetest.NewDatabase(t)
	cmd := exec.Command(binary, "serve")
	cmd.Env = serveEnv(dsn)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	logs := startLogReader(stderr)
	addr := logs.waitFor(t, "listening")["addr"].(string)
	base := "http://" + addr

	if code, body := httpGet(t, base+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := httpGet(t, base+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d %q", code, body)
	}
	code, metrics := httpGet(t, base+"/metrics")
	if code != 200 || !strings.Contains(metrics, "go_goroutines") || !strings.Contains(metrics, `route="GET /readyz"`) {
		t.Errorf("/metrics = %d, lacks runtime or HTTP metrics", code)
	}

	// The schema was migrated at start.
	db := storetest.OpenDSN(t, dsn)
	st, err := db.SchemaStatus(context.Background())
	if err != nil || !st.Current() {
		t.Errorf("schema after serve started: %+v, %v", st, err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	logs.waitFor(t, "stopped")
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve did not exit cleanly on SIGTERM: %v\n%s", err, logs.text())
	}
	out := logs.text()
	for _, secret := range []string{testAPIKey, testTokenSecret} {
		if strings.Contains(out, secret) {
			t.Errorf("a secret appears in the logs:\n%s", out)
		}
	}
	if !strings.Contains(out, `"route":"GET /healthz"`) {
		t.Errorf("no request log line for /healthz:\n%s", out)
	}
}

func TestReadyzFailsWhenTheDatabaseGoesAway(t *testing.T) {
	dsn := storetest.NewDatabase(t)
	cmd := exec.Command(binary, "serve")
	cmd.Env = serveEnv(dsn)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	logs := startLogReader(stderr)
	base := "http://" + logs.waitFor(t, "listening")["addr"].(string)

	// Dropping the schema table makes the schema "behind", as a database restored from an
	// old backup would be.
	db := storetest.OpenDSN(t, dsn)
	if _, err := db.SQL().Exec(`DELETE FROM schema_migrations WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	code, body := httpGet(t, base+"/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "migrations [1] are missing") {
		t.Errorf("/readyz = %d %q, want 503 naming the missing migration", code, body)
	}
	if code, _ := httpGet(t, base+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d, want 200 while the process runs", code)
	}
}

func TestMigrateFromTwoProcessesAtOnce(t *testing.T) {
	dsn := storetest.NewDatabase(t)
	var wg sync.WaitGroup
	outs := make([]string, 2)
	errs := make([]error, 2)
	for i := range outs {
		wg.Go(func() {
			cmd := exec.Command(binary, "migrate")
			cmd.Env = []string{"CIVIVOTE_MYSQL_DSN=" + dsn}
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(out), err
		})
	}
	wg.Wait()
	for i := range outs {
		if errs[i] != nil {
			t.Errorf("migrate %d failed: %v\n%s", i, errs[i], outs[i])
		}
	}
	all, _ := store.Migrations()
	applied := strings.Count(outs[0], "applied 0") + strings.Count(outs[1], "applied 0")
	if applied != len(all) {
		t.Errorf("the two processes applied %d migrations in all, want %d:\n%s\n%s", applied, len(all), outs[0], outs[1])
	}
	db := storetest.OpenDSN(t, dsn)
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(all) {
		t.Errorf("schema_migrations has %d rows (%v), want %d", n, err, len(all))
	}
}

func TestHealthcheckCommand(t *testing.T) {
	cmd := exec.Command(binary, "healthcheck", "-timeout", "2s")
	cmd.Env = []string{"CIVIVOTE_LISTEN_ADDR=127.0.0.1:1"}
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "unhealthy") {
		t.Errorf("healthcheck against nothing: %v %s", err, out)
	}

	dsn := storetest.NewDatabase(t)
	srv := exec.Command(binary, "serve")
	srv.Env = serveEnv(dsn)
	stderr, _ := srv.StderrPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	addr := startLogReader(stderr).waitFor(t, "listening")["addr"].(string)
	_, port, _ := strings.Cut(addr, ":")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	hc := exec.CommandContext(ctx, binary, "healthcheck")
	hc.Env = []string{"CIVIVOTE_LISTEN_ADDR=:" + port}
	if out, err := hc.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "healthy" {
		t.Errorf("healthcheck against a running server: %v %s", err, out)
	}
}
