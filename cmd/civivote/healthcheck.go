package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/civivote/civivote/config"
)

// listenAddrDefault is serve's default listen address, read from the config's tags so the
// two never drift apart.
func listenAddrDefault() string {
	for _, v := range config.Variables() {
		if v.Name == config.Prefix+"LISTEN_ADDR" {
			return v.Default
		}
	}
	panic("config declares no LISTEN_ADDR variable")
}

// runHealthcheck asks the local server's /healthz. Container images without a shell run it
// as their HEALTHCHECK; it reads only CIVIVOTE_LISTEN_ADDR.
func runHealthcheck(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, e, args, "healthcheck [-timeout 3s]", false); err != nil {
		return helpOK(err)
	}
	addr := e.getenv(config.Prefix + "LISTEN_ADDR")
	if addr == "" {
		addr = listenAddrDefault()
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return configErr(fmt.Errorf("CIVIVOTE_LISTEN_ADDR must be host:port or :port, got %q", addr))
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s answered %s", url, resp.Status)
	}
	fmt.Fprintln(e.stdout, "healthy")
	return nil
}
