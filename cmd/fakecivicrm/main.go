// Command fakecivicrm serves the civicrmtest fake CiviCRM on a loopback
// address, for the demo and for trying civivote by hand:
//
//	fakecivicrm -addr 127.0.0.1:8765 -members 20000 -seed 1 [-union]
//
// It holds the site the API transcripts were recorded on (organisation 4
// "Test Union", members 5–54, custom field Union_Sync.voting_link, group
// union_voters, relationship type "Officer of") plus -members generated
// members (with -union, a realistic union with postal addresses), prints the base URL and the API key, and stops on SIGINT or
// SIGTERM. Its state lives in memory only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/civivote/civivote/civicrm/civicrmtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "fakecivicrm:", err)
		os.Exit(1)
	}
}

// run serves the fake until ctx ends.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("fakecivicrm", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", "127.0.0.1:0", "loopback `host:port` to listen on (port 0 picks a free one)")
	members := fs.Int("members", 0, "generated members to add to the transcript site")
	seed := fs.Int64("seed", 1, "seed of the generated roster")
	union := fs.Bool("union", false, "generate the members as a union has them (varied names, postal addresses, held emails, every status) instead of the recorded site's bulk pattern")
	key := fs.String("key", civicrmtest.AdminKey, "API key of the administrator user")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("parse flags: %w", err)
	}
	if err := loopbackOnly(*addr); err != nil {
		return err
	}
	if *members < 0 {
		return fmt.Errorf("-members %d: give a count of zero or more", *members)
	}
	if *key == "" {
		return errors.New("-key is empty: give the API key clients should send")
	}
	opts := []civicrmtest.Option{civicrmtest.WithTranscriptSite(), civicrmtest.WithAdminKey(*key)}
	switch {
	case *members > 0 && *union:
		opts = append(opts, civicrmtest.WithUnion(*members, *seed))
	case *members > 0:
		opts = append(opts, civicrmtest.WithRoster(*members, *seed))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is the port in use?)", *addr, err)
	}
	srv := &http.Server{Handler: civicrmtest.New(opts...), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "fakecivicrm: fake CiviCRM 6.18 APIv4 (%d generated members); stop with Ctrl-C\n", *members)
	fmt.Fprintf(stdout, "base_url=http://%s\napi_key=%s\n", ln.Addr(), *key)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// loopbackOnly refuses addresses other machines could reach: the fake
// has well-known API keys and no TLS.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w; use host:port such as 127.0.0.1:8765", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %q is not a loopback address: the fake has public API keys, so listen on 127.0.0.1 or [::1]", addr)
}
