package civicrm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// PathStyle says how the site routes civicrm/ajax/api4 (API.md §1): CMSs
// differ, and the wrong style answers with a redirect, a 404 or a CMS page.
type PathStyle int

const (
	// PathStyleClean is {base}/civicrm/ajax/api4/{Entity}/{action}:
	// Standalone, Drupal 8+, Backdrop, Drupal 7 with clean URLs, and
	// WordPress with a "civicrm" base page.
	PathStyleClean PathStyle = iota
	// PathStyleWordPress is {base}/?civiwp=CiviCRM&q=civicrm/ajax/api4/{Entity}/{action}.
	PathStyleWordPress
	// PathStyleQuery is {base}/?q=civicrm/ajax/api4/{Entity}/{action}:
	// Drupal 7 without clean URLs (not verified against a live site).
	PathStyleQuery
)

// String returns the name ParsePathStyle accepts.
func (p PathStyle) String() string {
	switch p {
	case PathStyleWordPress:
		return "wordpress"
	case PathStyleQuery:
		return "query"
	default:
		return "clean"
	}
}

// ParsePathStyle parses "clean", "wordpress" or "query".
func ParsePathStyle(s string) (PathStyle, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "clean", "standalone", "drupal", "backdrop":
		return PathStyleClean, nil
	case "wordpress", "wp":
		return PathStyleWordPress, nil
	case "query", "drupal7-query":
		return PathStyleQuery, nil
	}
	return PathStyleClean, fmt.Errorf("civicrm: unknown path style %q: use clean (Standalone, Drupal, "+
		"Backdrop), wordpress, or query (Drupal 7 without clean URLs)", s)
}

// Config configures a Client. Zero values take the defaults noted.
type Config struct {
	// BaseURL is the site's base URL, e.g. https://crm.example.org (no
	// query, no /civicrm/ajax path).
	BaseURL string
	// APIKey is the API key of the contact civivote acts as. It is sent only
	// in the X-Civi-Auth header and never logged.
	APIKey    string
	PathStyle PathStyle
	// Timeout bounds one attempt, reading the answer included. Default 60s:
	// a 500-record Contact.save takes about 8 s on a small site.
	Timeout time.Duration
	// PageSize is the limit of each Membership.get page. Default 2000.
	PageSize int
	// MaxRetries bounds retries of one call after the first attempt.
	// Default 4; negative means none.
	MaxRetries int
	// MaxServerErrorRetries bounds the retries spent on 500s without an API
	// message, HTML 500s and unreadable 200s. Default 2; negative means none.
	MaxServerErrorRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff. Defaults
	// 500ms and 30s.
	RetryWaitMin, RetryWaitMax time.Duration
	// RetryAfterMax caps a server's Retry-After. Default 2m.
	RetryAfterMax time.Duration
	// UserAgent is sent with every request. Default "civivote".
	UserAgent string
	// Transport carries the requests; nil means a pooled transport. No
	// cookie jar is used whatever the transport: CiviCRM sets a session
	// cookie on every answer and a re-sent one can cause 401 "mismatched
	// session".
	Transport http.RoundTripper
	// Sleep waits between retries; nil means a real timer. Tests inject one
	// that records the waits and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now reads the clock, for Retry-After dates. Default time.Now.
	Now func() time.Time
	// Jitter returns a random number in [0, n). Default math/rand/v2.
	Jitter func(n int64) int64
}

func (cfg Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Timeout, 60*time.Second)
	def(&cfg.RetryWaitMin, 500*time.Millisecond)
	def(&cfg.RetryWaitMax, 30*time.Second)
	def(&cfg.RetryAfterMax, 2*time.Minute)
	cfg.RetryWaitMax = max(cfg.RetryWaitMax, cfg.RetryWaitMin)
	if cfg.PageSize <= 0 {
		cfg.PageSize = 2000
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = 4
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	switch {
	case cfg.MaxServerErrorRetries == 0:
		cfg.MaxServerErrorRetries = 2
	case cfg.MaxServerErrorRetries < 0:
		cfg.MaxServerErrorRetries = 0
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "civivote"
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepContext
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Jitter == nil {
		cfg.Jitter = rand.Int64N
	}
	return cfg
}

// maxPageSize keeps one page within what a PHP worker can build: about
// 2.2 KB of PHP memory per row (throughput.md), so 25k rows ≈ 70 MB.
const maxPageSize = 25000

// validate checks the configuration and returns the normalised base URL
// (no trailing slash). It reports every problem, not just the first.
func (cfg Config) validate() (string, error) {
	var errs []error
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(cfg.APIKey) == "" {
		errs = append(errs, errors.New("civicrm: the API key is empty: set CIVIVOTE_CIVICRM_API_KEY "+
			"to the api_key of the CiviCRM contact civivote acts as"))
	} else if strings.ContainsAny(cfg.APIKey, " \t\r\n") {
		errs = append(errs, errors.New("civicrm: the API key contains white space: check "+
			"CIVIVOTE_CIVICRM_API_KEY (a trailing newline from a file?)"))
	}
	if cfg.PageSize > maxPageSize {
		errs = append(errs, fmt.Errorf("civicrm: page size %d is too large for PHP's memory limit: "+
			"use at most %d", cfg.PageSize, maxPageSize))
	}
	if cfg.PathStyle < PathStyleClean || cfg.PathStyle > PathStyleQuery {
		errs = append(errs, fmt.Errorf("civicrm: unknown path style %d", cfg.PathStyle))
	}
	return base, errors.Join(errs...)
}

func parseBaseURL(raw string) (string, error) {
	const hint = "set CIVIVOTE_CIVICRM_URL to the site's base URL, e.g. https://crm.example.org"
	if strings.TrimSpace(raw) == "" {
		return "", errors.New("civicrm: the CiviCRM base URL is empty: " + hint)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("civicrm: the CiviCRM base URL %q is not a URL (%v): %s", raw, err, hint)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("civicrm: the CiviCRM base URL %q must start with https:// or http://: %s", raw, hint)
	case u.Host == "":
		return "", fmt.Errorf("civicrm: the CiviCRM base URL %q has no host: %s", raw, hint)
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?"):
		return "", fmt.Errorf("civicrm: the CiviCRM base URL %q must not have a query or fragment "+
			"(choose the wordpress path style instead of adding ?civiwp=…): %s", raw, hint)
	case u.User != nil:
		return "", fmt.Errorf("civicrm: the CiviCRM base URL must not contain a user or password: " +
			"the API key authenticates civivote")
	case strings.Contains(u.Path, "/civicrm/ajax"):
		return "", fmt.Errorf("civicrm: the CiviCRM base URL %q points inside CiviCRM: give the site's "+
			"base URL only, civivote adds /civicrm/ajax/api4/…", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// endpoint is the URL of one APIv4 call in the configured path style.
func endpoint(base string, style PathStyle, entity, action string) string {
	route := "civicrm/ajax/api4/" + entity + "/" + action
	switch style {
	case PathStyleWordPress:
		return base + "/?civiwp=CiviCRM&q=" + route
	case PathStyleQuery:
		return base + "/?q=" + route
	default:
		return base + "/" + route
	}
}
