-- One row per roster sync run, whatever its outcome.
CREATE TABLE IF NOT EXISTS sync_runs (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  started_at  DATETIME(6) NOT NULL,
  finished_at DATETIME(6) NULL,
  trigger_by  VARCHAR(32) NOT NULL,
  forced      BOOLEAN NOT NULL DEFAULT FALSE,
  dry_run     BOOLEAN NOT NULL DEFAULT FALSE,
  outcome     VARCHAR(32) NOT NULL,
  pages       INT UNSIGNED NOT NULL DEFAULT 0,
  fetched     INT UNSIGNED NOT NULL DEFAULT 0,
  added       INT UNSIGNED NOT NULL DEFAULT 0,
  updated     INT UNSIGNED NOT NULL DEFAULT 0,
  lapsed      INT UNSIGNED NOT NULL DEFAULT 0,
  reactivated INT UNSIGNED NOT NULL DEFAULT 0,
  error       TEXT NULL,
  PRIMARY KEY (id),
  KEY sync_runs_started (started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
