package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRunServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-members", "1000", "-key", "k123"}, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var base, key string
	for (base == "" || key == "") && lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), "base_url="); ok {
			base = v
		}
		if v, ok := strings.CutPrefix(lines.Text(), "api_key="); ok {
			key = v
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" || key != "k123" {
		t.Fatalf("base_url %q, api_key %q; want a URL and the -key value", base, key)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/civicrm/ajax/api4/Membership/get",
		strings.NewReader(url.Values{"params": {`{"select":["row_count"]}`}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Civi-Auth", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// 50 recorded members plus 1,000 generated ones.
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"countMatched":1050`) {
		t.Errorf("status %d, body %s; want 200 and countMatched 1050", resp.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after cancel: %v", err)
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-addr", "0.0.0.0:8765"},
		{"-addr", ":8765"},
		{"-addr", "192.168.1.2:80"},
		{"-addr", "nonsense"},
		{"-members", "-5"},
		{"-key", ""},
		{"-bogus"},
	} {
		err := run(context.Background(), args, io.Discard)
		if err == nil {
			t.Errorf("run %v: no error, want one", args)
		}
	}
}
