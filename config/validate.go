package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/robfig/cron/v3"
)

// cronParser accepts what the scheduler accepts: five fields, descriptors, CRON_TZ=.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// MinTokenSecretBytes is the shortest CIVIVOTE_TOKEN_SECRET accepted: links are derived
// with HMAC-SHA256, whose key should carry at least 256 bits.
const MinTokenSecretBytes = 32

// MaxOutboxBatch is the largest CIVIVOTE_OUTBOX_BATCH accepted: a Contact.save of 500
// records takes about 8 s on a real site, and much more risks PHP's time limit.
const MaxOutboxBatch = 500

// validate checks what the types alone cannot. It returns one problem per bad variable.
func (c *Config) validate() []problem {
	var ps []problem
	add := func(name, format string, args ...any) {
		ps = append(ps, problem{Prefix + name, Prefix + name + " " + fmt.Sprintf(format, args...)})
	}
	if c.MySQLDSN != "" {
		if _, err := mysql.ParseDSN(c.MySQLDSN); err != nil {
			// The driver's message can quote the DSN, password included: do not repeat it.
			add("MYSQL_DSN", "is not a valid MySQL DSN: expected user:password@tcp(host:3306)/database")
		}
	}
	if c.CiviCRMURL != "" {
		if msg := checkBaseURL(c.CiviCRMURL); msg != "" {
			add("CIVICRM_URL", "%s, got %q", msg, c.CiviCRMURL)
		}
	}
	switch c.CiviCRMPathStyle {
	case "clean", "wordpress", "query":
	default:
		add("CIVICRM_PATH_STYLE", "must be clean, wordpress or query, got %q", c.CiviCRMPathStyle)
	}
	if c.CiviCRMTimeout <= 0 {
		add("CIVICRM_TIMEOUT", "must be a positive duration such as 60s, got %s", c.CiviCRMTimeout)
	}
	if g, f, ok := strings.Cut(c.CiviCRMLinkField, "."); !ok || g == "" || f == "" || strings.Contains(f, ".") {
		add("CIVICRM_LINK_FIELD", "must be CustomGroupName.field_name (the APIv4 name, e.g. Union_Sync.voting_link), got %q", c.CiviCRMLinkField)
	}
	if c.CiviCRMPageSize < 100 || c.CiviCRMPageSize > 10000 {
		add("CIVICRM_PAGE_SIZE", "must be between 100 and 10000 (CiviCRM runs out of memory on huge pages), got %d", c.CiviCRMPageSize)
	}
	if c.CiviCRMOrgID < 0 {
		add("CIVICRM_ORG_CONTACT_ID", "must be a CiviCRM contact id, got %d", c.CiviCRMOrgID)
	}
	if strings.TrimSpace(c.CiviCRMOfficer) == "" {
		add("CIVICRM_OFFICER_RELATIONSHIP", "must name a relationship type, e.g. Officer of")
	}
	for name, tok := range map[string]string{"ADMIN_TOKEN": c.AdminToken, "OBSERVER_TOKEN": c.ObserverToken} {
		if tok != "" {
			if _, err := ParseBearerToken(tok); err != nil {
				add(name, "%v", err)
			}
		}
	}
	if c.AdminSessionTTL < time.Minute || c.AdminSessionTTL > 30*24*time.Hour {
		add("ADMIN_SESSION_TTL", "must be a duration from 1m to 720h, e.g. 12h, got %s", c.AdminSessionTTL)
	}
	if c.AdminToken != "" && c.AdminToken == c.ObserverToken {
		add("OBSERVER_TOKEN", "must differ from CIVIVOTE_ADMIN_TOKEN, or an observer could act as admin")
	}
	if _, err := cronParser.Parse(c.SyncSchedule); err != nil {
		add("SYNC_SCHEDULE", "is not a cron schedule (%v): use five fields, e.g. */15 * * * *, optionally preceded by CRON_TZ=Europe/London", err)
	}
	if c.SyncMaxLapsePercent < 0 || c.SyncMaxLapsePercent > 100 {
		add("SYNC_MAX_LAPSE_PERCENT", "must be between 0 and 100, got %d", c.SyncMaxLapsePercent)
	}
	if c.OutboxWriters < 1 || c.OutboxWriters > 16 {
		add("OUTBOX_WRITERS", "must be between 1 and 16, got %d: more writers than CiviCRM's server has cores only slow each call down", c.OutboxWriters)
	}
	if c.OutboxBatch < 1 || c.OutboxBatch > MaxOutboxBatch {
		add("OUTBOX_BATCH", "must be between 1 and %d, got %d: 100-200 is best (a real site saved about 2,900 contacts before PHP's time limit cut the call)", MaxOutboxBatch, c.OutboxBatch)
	}
	if _, err := cronParser.Parse(c.OutboxSchedule); err != nil {
		add("OUTBOX_SCHEDULE", "is not a schedule (%v): use @every 15s, or five cron fields such as * * * * *", err)
	}
	if c.OutboxClaimTTL <= c.CiviCRMTimeout || c.OutboxClaimTTL < 5*time.Second {
		add("OUTBOX_CLAIM_TTL", "must be at least 5s and longer than CIVIVOTE_CIVICRM_TIMEOUT (%s), or a batch still on its way could be sent twice; got %s", c.CiviCRMTimeout, c.OutboxClaimTTL)
	}
	if c.OutboxRetryMin < time.Second {
		add("OUTBOX_RETRY_MIN", "must be a duration of at least 1s, e.g. 10s, got %s", c.OutboxRetryMin)
	}
	if c.OutboxRetryMax < c.OutboxRetryMin {
		add("OUTBOX_RETRY_MAX", "must be at least CIVIVOTE_OUTBOX_RETRY_MIN (%s), e.g. 30m, got %s", c.OutboxRetryMin, c.OutboxRetryMax)
	}
	if c.LeaseTTL < 3*time.Second || c.LeaseTTL > time.Hour {
		add("LEASE_TTL", "must be a duration from 3s to 1h, e.g. 1m, got %s", c.LeaseTTL)
	}
	if _, err := cronParser.Parse(c.LifecycleSchedule); err != nil {
		add("LIFECYCLE_SCHEDULE", "is not a schedule (%v): use @every 1m, or five cron fields such as * * * * *", err)
	}
	if c.PublicURL != "" {
		if msg := checkBaseURL(c.PublicURL); msg != "" {
			add("PUBLIC_URL", "%s, got %q", msg, c.PublicURL)
		}
	}
	if c.TokenSecret != "" && len(c.TokenSecret) < MinTokenSecretBytes {
		add("TOKEN_SECRET", "must be at least %d bytes, got %d: generate one with `openssl rand -base64 48`", MinTokenSecretBytes, len(c.TokenSecret))
	}
	if c.RetentionDays < 1 {
		add("RETENTION_DAYS", "must be a positive number of days, got %d: records are kept at least that long after publication (365 by default)", c.RetentionDays)
	}
	if _, err := ParseSigningKey(c.ResultsSigningKey); err != nil {
		add("RESULTS_SIGNING_KEY", "%v", err)
	}
	if _, port, err := net.SplitHostPort(c.ListenAddr); err != nil || port == "" {
		add("LISTEN_ADDR", "must be host:port or :port, e.g. :8080, got %q", c.ListenAddr)
	}
	for name, r := range map[string]Rate{"LINK_LIMIT_PER_CLIENT": c.LinkLimitPerClient, "LINK_LIMIT_GLOBAL": c.LinkLimitGlobal,
		"AUTH_LIMIT_PER_CLIENT": c.AuthLimitPerClient, "AUTH_LIMIT_GLOBAL": c.AuthLimitGlobal} {
		if msg := r.check(); msg != "" {
			add(name, "%s: write N/DURATION, e.g. 20/10m", msg)
		}
	}
	for _, p := range c.TrustedProxies {
		if _, err := parseProxy(p); err != nil {
			add("TRUSTED_PROXIES", "has %q, which is not an IP address or CIDR range: list proxies like 127.0.0.1,10.0.0.0/8", p)
		}
	}
	if c.ShutdownTimeout <= 0 {
		add("SHUTDOWN_TIMEOUT", "must be a positive duration such as 20s, got %s", c.ShutdownTimeout)
	}
	if c.DBMaxOpenConns < 2 {
		add("DB_MAX_OPEN_CONNS", "must be at least 2, got %d", c.DBMaxOpenConns)
	}
	if c.DBStartupWait < 0 {
		add("DB_STARTUP_WAIT", "must not be negative, got %s", c.DBStartupWait)
	}
	switch c.LogFormat {
	case "json", "console":
	default:
		add("LOG_FORMAT", "must be json or console, got %q", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("LOG_LEVEL", "must be debug, info, warn or error, got %q", c.LogLevel)
	}
	return ps
}

// checkBaseURL says what is wrong with a base URL, or "" when it is fine.
func checkBaseURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "must be an absolute URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "must start with https:// (or http:// for local testing)"
	case u.Host == "":
		return "must include a host name"
	case u.RawQuery != "" || u.Fragment != "":
		return "must not have a query or fragment"
	case u.User != nil:
		return "must not contain a user name or password"
	}
	return ""
}
