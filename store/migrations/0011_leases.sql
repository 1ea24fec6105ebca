-- Scheduler leadership: a job runs only on the replica holding its unexpired lease, and
-- only once per scheduled tick (last_tick), however many replicas fire for that tick.
CREATE TABLE IF NOT EXISTS leases (
  name        VARCHAR(64) NOT NULL,
  holder      VARCHAR(128) NOT NULL,
  acquired_at DATETIME(6) NOT NULL,
  expires_at  DATETIME(6) NOT NULL,
  last_tick   DATETIME(6) NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
