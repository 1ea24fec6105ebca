-- Durable queue of writes to CiviCRM. dedupe_key makes enqueueing idempotent; workers claim
-- due rows, and a write is retried with backoff until CiviCRM confirms it.
-- scope groups items that write the same thing (one contact's link in one election, one
-- contact's row in one group): a newer item supersedes older pending ones, so an add queued
-- before a remove can never land after it.
-- outbox_claim lets a worker take the oldest pending rows of one kind by walking the index in
-- id order; outbox_claimed finds the rows of one claim. There is deliberately no index on
-- (state, next_attempt_at): given one, MariaDB sorts every due row for each claim (a
-- 100k-item backlog took 2.5 times as long to drain).
CREATE TABLE IF NOT EXISTS outbox (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  kind            VARCHAR(32) NOT NULL,
  dedupe_key      VARCHAR(191) NOT NULL,
  scope           VARCHAR(191) NULL,
  payload         JSON NOT NULL,
  state           VARCHAR(16) NOT NULL,
  attempts        INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(6) NOT NULL,
  claimed_by      VARCHAR(128) NULL,
  claimed_until   DATETIME(6) NULL,
  last_error      TEXT NULL,
  created_at      DATETIME(6) NOT NULL,
  done_at         DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY outbox_dedupe (dedupe_key),
  KEY outbox_claim (kind, state, id),
  KEY outbox_scope (scope, id),
  KEY outbox_claimed (claimed_by)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
