package civicrmtest_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// transcript is one recorded request/response pair from
// /work/shared/civicrm/transcripts.
type transcript struct {
	file    string
	num     int
	method  string
	target  string // path and query
	header  http.Header
	body    string
	status  int
	rheader http.Header
	rbody   string
}

const transcriptDir = "../../../shared/civicrm/transcripts"

// loadTranscripts parses every transcript, in file order. It skips the
// test when the directory is missing, except under CI=true.
func loadTranscripts(tb testing.TB) []transcript {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(transcriptDir, "*.txt"))
	if err != nil || len(files) == 0 {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("no transcripts in %s (err %v): the replay test needs /work/shared/civicrm/transcripts next to the repository", transcriptDir, err)
		}
		tb.Skipf("no transcripts in %s: check out the shared folder next to the repository (../shared/civicrm/transcripts) to run the replay", transcriptDir)
	}
	sort.Strings(files)
	out := make([]transcript, 0, len(files))
	for _, f := range files {
		t, err := parseTranscript(f)
		if err != nil {
			tb.Fatalf("parse %s: %v", f, err)
		}
		out = append(out, t)
	}
	return out
}

// sections splits a transcript into its "## " sections.
func sections(data string) map[string]string {
	out := map[string]string{}
	var name string
	var buf strings.Builder
	flush := func() {
		if name != "" {
			out[name] = buf.String()
		}
		buf.Reset()
	}
	for _, line := range strings.SplitAfter(data, "\n") {
		if strings.HasPrefix(line, "## ") {
			flush()
			name = strings.TrimSpace(strings.TrimPrefix(line, "## "))
			if i := strings.Index(name, " ("); i > 0 {
				name = name[:i]
			}
			continue
		}
		buf.WriteString(line)
	}
	flush()
	return out
}

// message splits an HTTP message into its first line, headers and body.
func message(s string) (string, http.Header, string, error) {
	r := bufio.NewReader(strings.NewReader(s))
	first, err := r.ReadString('\n')
	if err != nil {
		return "", nil, "", fmt.Errorf("no start line")
	}
	h := http.Header{}
	for {
		line, err := r.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line == "" || err != nil {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return "", nil, "", fmt.Errorf("bad header line %q", line)
		}
		h.Add(k, strings.TrimSpace(v))
	}
	var rest bytes.Buffer
	_, _ = rest.ReadFrom(r)
	return strings.TrimSpace(first), h, strings.TrimRight(rest.String(), "\n"), nil
}

func parseTranscript(path string) (transcript, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return transcript{}, err
	}
	t := transcript{file: filepath.Base(path)}
	t.num, _ = strconv.Atoi(strings.SplitN(t.file, "-", 2)[0])
	sec := sections(string(data))
	first, h, body, err := message(strings.TrimLeft(sec["Request"], "\n"))
	if err != nil {
		return t, fmt.Errorf("request: %w", err)
	}
	parts := strings.Fields(first)
	if len(parts) < 2 {
		return t, fmt.Errorf("request line %q", first)
	}
	t.method, t.target, t.header, t.body = parts[0], parts[1], h, body
	first, h, body, err = message(strings.TrimLeft(sec["Response"], "\n"))
	if err != nil {
		return t, fmt.Errorf("response: %w", err)
	}
	parts = strings.Fields(first)
	if len(parts) < 2 {
		return t, fmt.Errorf("status line %q", first)
	}
	t.status, _ = strconv.Atoi(parts[1])
	t.rheader, t.rbody = h, body
	return t, nil
}
