// Package browsertest drives Debian's headless Chromium (through chromedp) for the page
// tests, and checks pages with axe-core for WCAG 2.2 AA.
//
// Chromium is /usr/bin/chromium or the first chromium/chromium-browser on PATH, or
// CIVIVOTE_CHROMIUM. axe-core is node_modules/axe-core/axe.min.js at the repository root
// (`npm ci`), or CIVIVOTE_AXE_JS. scripts/with-browser installs both. Without them a test
// is skipped with a message saying how to get them, except under CI=true, where it fails.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// AxeTags are the rule sets every page must pass: WCAG 2.0, 2.1 and 2.2, levels A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Browser is one headless Chromium tab for one test.
type Browser struct {
	// Ctx is the tab's chromedp context; pass it to chromedp.Do and chromedp.Run.
	Ctx context.Context
	t   *testing.T
	axe string
}

// unavailable skips the test, or fails it under CI=true.
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("browsertest: %s (under CI=true the browser tests must run; use scripts/with-browser)", msg)
	}
	t.Skipf("browsertest: %s; run the tests through scripts/with-browser (make test does) to install it", msg)
}

// New starts a headless Chromium for t, closed when t ends.
func New(t *testing.T) *Browser {
	t.Helper()
	execPath := chromiumPath()
	if execPath == "" {
		unavailable(t, "Chromium is not installed (apt-get install chromium, or set CIVIVOTE_CHROMIUM)")
	}
	axePath, err := axePath()
	if err != nil {
		unavailable(t, "%v", err)
	}
	axe, err := os.ReadFile(axePath)
	if err != nil {
		unavailable(t, "cannot read axe-core: %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(execPath),
		chromedp.Flag("lang", "en-GB"), chromedp.Flag("hide-scrollbars", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, without a deadline
		t.Fatalf("browsertest: start %s: %v", execPath, err)
	}
	return &Browser{Ctx: ctx, t: t, axe: string(axe)}
}

func chromiumPath() string {
	if p := os.Getenv("CIVIVOTE_CHROMIUM"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return ""
		}
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// axePath finds axe.min.js in node_modules at the module root above the test's directory.
func axePath() (string, error) {
	if p := os.Getenv("CIVIVOTE_AXE_JS"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("axe-core is not installed (run npm ci in %s)", dir)
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test directory, so no node_modules/axe-core")
		}
		dir = parent
	}
}

// Do runs actions in the tab, failing the test on error.
func (b *Browser) Do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// Eval evaluates a JavaScript expression in the page and decodes its value into T.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("browser: evaluate %s: %v", expr, err)
	}
	return v
}

// WaitFor re-evaluates a boolean expression until it is true, failing the test after
// ten seconds; it waits for the browser (a navigation, autofocus), never for the server.
func (b *Browser) WaitFor(expr string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.Ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("browser: still not %s (last error: %v)", expr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// CheckPage sets the viewport to each width, checks the page with axe-core for AxeTags,
// checks that nothing scrolls sideways (WCAG 1.4.10 reflow), and saves a full-page
// screenshot per width under dir as NAME-WIDTH.png. Every problem fails the test.
func (b *Browser) CheckPage(dir, name string, widths ...int64) {
	b.t.Helper()
	for _, w := range widths {
		for _, p := range b.Problems(w) {
			b.t.Errorf("%s at %dpx: %s", name, w, p)
		}
		b.Screenshot(dir, fmt.Sprintf("%s-%d", name, w))
	}
}

// Problems sets the viewport to width and returns the page's axe-core violations for
// AxeTags and any sideways scrolling, one line each.
func (b *Browser) Problems(width int64) []string {
	b.t.Helper()
	b.Do(chromedp.EmulateViewport(width, 800))
	if !Eval[bool](b, `typeof axe !== "undefined"`) {
		Eval[chromedp.Void](b, b.axe)
	}
	tags, _ := json.Marshal(AxeTags)
	ctx, cancel := context.WithTimeout(b.Ctx, time.Minute)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`},
		resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary)}))))`, chromedp.EvalAwaitPromise))
	cancel()
	if err != nil {
		b.t.Fatalf("axe at %dpx: %v", width, err)
	}
	var vs []violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	var out []string
	for _, v := range vs {
		out = append(out, fmt.Sprintf("axe %s (%s): %s\n  %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  ")))
	}
	if over := Eval[int](b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
		out = append(out, fmt.Sprintf("the page scrolls sideways by %dpx", over))
	}
	return out
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// Screenshot saves a full-page PNG of the tab as dir/NAME.png.
func (b *Browser) Screenshot(dir, name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, time.Minute)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, unsafeName.ReplaceAllString(name, "_")+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// ScreenshotDir is where a test's screenshots go: testdata/screenshots/TEST (ignored by
// git) so they are there to look at after a run, or under CIVIVOTE_SCREENSHOTS.
func ScreenshotDir(t *testing.T) string {
	base := os.Getenv("CIVIVOTE_SCREENSHOTS")
	if base == "" {
		base = filepath.Join("testdata", "screenshots")
	}
	return filepath.Join(base, unsafeName.ReplaceAllString(t.Name(), "_"))
}
