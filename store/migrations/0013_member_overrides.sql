-- The committee's decision on one contact's eligibility, winning over syncs until until_at.
-- One row per contact (a new decision replaces the old; audit_log keeps them all). A sync
-- that finds an override expired re-derives the member's standing and sets released_at.
CREATE TABLE IF NOT EXISTS member_overrides (
  contact_id  BIGINT UNSIGNED NOT NULL,
  eligible    BOOLEAN NOT NULL,
  reason      VARCHAR(1000) NOT NULL,
  until_at    DATETIME(6) NOT NULL,
  actor       VARCHAR(128) NOT NULL,
  set_at      DATETIME(6) NOT NULL,
  released_at DATETIME(6) NULL,
  PRIMARY KEY (contact_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
