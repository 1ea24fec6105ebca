// Package config reads civivote's configuration from CIVIVOTE_* environment variables.
//
// Config is one struct whose env tags are the single source of truth: Load parses and
// validates it, Variables lists every variable for `civivote serve --help`, and Redacted
// gives the dump shown to admins with secrets hidden.
package config

import (
	"time"
)

// Prefix is the prefix of every civivote environment variable.
const Prefix = "CIVIVOTE_"

// Config is civivote's whole configuration. Each field's env tag names its variable (without
// Prefix); the help tag says what it is for; secret:"true" marks values that must never be
// shown or logged and that may also be read from a file named by VARIABLE_FILE.
type Config struct {
	MySQLDSN string `env:"MYSQL_DSN,required,notEmpty" secret:"true" help:"MySQL/MariaDB DSN, e.g. civivote:PASSWORD@tcp(db:3306)/civivote"`

	CiviCRMURL       string        `env:"CIVICRM_URL,required,notEmpty" help:"base URL of the CiviCRM site, e.g. https://crm.example.org"`
	CiviCRMAPIKey    string        `env:"CIVICRM_API_KEY,required,notEmpty" secret:"true" help:"API key of the CiviCRM user civivote acts as"`
	CiviCRMPathStyle string        `env:"CIVICRM_PATH_STYLE" envDefault:"clean" help:"how the site routes CiviCRM URLs: clean (Standalone, Drupal 8+, Backdrop, WordPress with a base page), wordpress (?civiwp=CiviCRM&q=...) or query (Drupal 7 without clean URLs, ?q=...)"`
	CiviCRMTimeout   time.Duration `env:"CIVICRM_TIMEOUT" envDefault:"60s" help:"time limit for one CiviCRM request"`
	CiviCRMLinkField string        `env:"CIVICRM_LINK_FIELD" envDefault:"Union_Sync.voting_link" help:"contact custom field (APIv4 name CustomGroup.field) that receives each member's voting link"`
	CiviCRMPageSize  int           `env:"CIVICRM_PAGE_SIZE" envDefault:"2000" help:"memberships read per CiviCRM request during a roster sync (keyset pages)"`
	CiviCRMTypes     []string      `env:"CIVICRM_MEMBERSHIP_TYPES" help:"comma-separated membership type names that give a vote; empty means every type"`
	CiviCRMOrgID     int64         `env:"CIVICRM_ORG_CONTACT_ID" help:"CiviCRM contact id of the organisation elected officers relate to; needed for write-back"`
	CiviCRMOfficer   string        `env:"CIVICRM_OFFICER_RELATIONSHIP" envDefault:"Officer of" help:"relationship type (name_a_b) recorded for each elected officer"`
	WritebackAuto    bool          `env:"WRITEBACK_AUTO" envDefault:"false" help:"true: queue the write-back of the elected officers to CiviCRM as soon as results are published (otherwise civivote writeback SLUG does it)"`
	WritebackEndPrev bool          `env:"WRITEBACK_END_PREVIOUS" envDefault:"false" help:"true: the write-back also ends, the day before the new tenure starts, the current relationships of previous holders of each position (relationship description = position title) who were not re-elected"`

	PublicURL   string `env:"PUBLIC_URL,required,notEmpty" help:"public base URL of civivote; personal links are PUBLIC_URL/v/TOKEN"`
	TokenSecret string `env:"TOKEN_SECRET,required,notEmpty" secret:"true" help:"secret (at least 32 bytes) from which personal voting links are derived; changing it kills every link"`

	AdminToken    string `env:"ADMIN_TOKEN" secret:"true" help:"bearer token of the admin API (committee); a plain token of 20+ characters or sha256:HEX of one; unset turns the admin API off"`
	ObserverToken string `env:"OBSERVER_TOKEN" secret:"true" help:"bearer token for read-only access to the admin API (observers, scrutineers); same forms as the admin token"`

	AdminSessionTTL time.Duration `env:"ADMIN_SESSION_TTL" envDefault:"12h" help:"how long a sign-in to the dashboard at /admin (with the admin or observer token) lasts before signing in again"`

	SyncSchedule        string `env:"SYNC_SCHEDULE" envDefault:"*/15 * * * *" help:"cron schedule of the roster sync (5 fields; may start with CRON_TZ=Zone)"`
	SyncMaxLapsePercent int    `env:"SYNC_MAX_LAPSE_PERCENT" envDefault:"10" help:"a sync that would lapse more than this percentage of members in good standing stops and reports instead, unless forced"`

	OutboxWriters  int           `env:"OUTBOX_WRITERS" envDefault:"2" help:"CiviCRM write calls (voting links, group changes, officers) in flight at once, across all replicas; a 2-core CiviCRM gains nothing from more than 2"`
	OutboxBatch    int           `env:"OUTBOX_BATCH" envDefault:"150" help:"records per CiviCRM write call; 100-200 keeps each call to a few seconds, far from PHP's 30 s limit that cuts big batches half-applied"`
	OutboxSchedule string        `env:"OUTBOX_SCHEDULE" envDefault:"@every 15s" help:"how often one replica delivers queued CiviCRM writes (a cron schedule or @every DURATION); each run works until nothing is due"`
	OutboxClaimTTL time.Duration `env:"OUTBOX_CLAIM_TTL" envDefault:"10m" help:"how long a batch of CiviCRM writes stays reserved by the replica sending it; the batch of a replica that died comes back to the queue after it (longer than CIVIVOTE_CIVICRM_TIMEOUT)"`
	OutboxRetryMin time.Duration `env:"OUTBOX_RETRY_MIN" envDefault:"10s" help:"wait before the first retry of a CiviCRM write that failed for a passing reason (CiviCRM down, overloaded); doubled per attempt up to CIVIVOTE_OUTBOX_RETRY_MAX"`
	OutboxRetryMax time.Duration `env:"OUTBOX_RETRY_MAX" envDefault:"30m" help:"longest wait between retries of a CiviCRM write while CiviCRM stays down"`
	LeaseTTL       time.Duration `env:"LEASE_TTL" envDefault:"1m" help:"how long a replica that died keeps its scheduled jobs (sync, lifecycle, outbox) from the other replicas; a live holder renews its lease every third of it"`

	LifecycleSchedule string `env:"LIFECYCLE_SCHEDULE" envDefault:"@every 1m" help:"how often one replica moves elections on at their window times and brings their rolls of links up to date with the roster (@every DURATION or five cron fields)"`
	ResultsSigningKey string `env:"RESULTS_SIGNING_KEY" secret:"true" help:"Ed25519 key that signs published results.json (whose ballots_sha256 covers ballots.json): base64 of a 32-byte seed, e.g. from head -c 32 /dev/urandom | base64, or in the _FILE form a PEM key from openssl genpkey -algorithm ed25519; unset publishes unsigned"`
	RetentionDays     int    `env:"RETENTION_DAYS" envDefault:"365" help:"days after results are published before civivote purge SLUG may delete the election's token hashes and voted marks (anonymous ballots and results are kept); 365 matches US law, which keeps union election records for one year"`
	HelpContact       string `env:"HELP_CONTACT" help:"whom members should ask when their link does not work or they are not on the roll, shown on the member pages, e.g. the election committee at elections@example.org"`

	ListenAddr      string        `env:"LISTEN_ADDR" envDefault:":8080" help:"HTTP listen address"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"20s" help:"how long a stopping server waits for requests in flight"`

	LinkLimitPerClient Rate     `env:"LINK_LIMIT_PER_CLIENT" envDefault:"20/10m" help:"failed look-ups of personal links and receipt codes (unknown, revoked or mistyped) one client address may make, as N/DURATION: N at once, then one more every DURATION/N; beyond it the client gets 429 and a page saying when to retry. Working links never count, so members sharing one router are not refused"`
	LinkLimitGlobal    Rate     `env:"LINK_LIMIT_GLOBAL" envDefault:"600/1m" help:"failed look-ups of personal links and receipt codes from all clients together (N/DURATION); beyond it everyone waits, so keep it far above the mistakes of an honest mailing"`
	AuthLimitPerClient Rate     `env:"AUTH_LIMIT_PER_CLIENT" envDefault:"10/10m" help:"wrong admin or observer tokens (admin API, dashboard sign-in) one client address may send (N/DURATION) before it must wait"`
	AuthLimitGlobal    Rate     `env:"AUTH_LIMIT_GLOBAL" envDefault:"100/10m" help:"wrong admin or observer tokens from all clients together (N/DURATION) before every sign-in must wait"`
	TrustedProxies     []string `env:"TRUSTED_PROXIES" help:"comma-separated addresses or CIDR ranges of reverse proxies in front of civivote (e.g. 127.0.0.1,10.0.0.0/8); only from these is X-Forwarded-For believed when the limits above find a client's address. Unset: every client is its connection's address"`

	DBMaxOpenConns int           `env:"DB_MAX_OPEN_CONNS" envDefault:"32" help:"most database connections open at once in each of a replica's two pools (casting has its own), so one replica opens up to twice this: keep replicas x 2 x this below the server's max_connections (151 by default)"`
	DBStartupWait  time.Duration `env:"DB_STARTUP_WAIT" envDefault:"60s" help:"how long start-up waits for the database to answer"`

	LogFormat string `env:"LOG_FORMAT" envDefault:"json" help:"log format: json or console"`
	LogLevel  string `env:"LOG_LEVEL" envDefault:"info" help:"log level: debug, info, warn or error"`
}
