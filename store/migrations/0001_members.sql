-- The mirror of CiviCRM members, one row per contact. A member never disappears: a member
-- CiviCRM stops returning is marked lapsed, with the time and the reason, so "why can't I
-- vote?" has an answer.
CREATE TABLE IF NOT EXISTS members (
  contact_id        BIGINT UNSIGNED NOT NULL,
  display_name      VARCHAR(255) NOT NULL DEFAULT '',
  email             VARCHAR(254) NULL,
  external_id       VARCHAR(64) NULL,
  membership_type   VARCHAR(128) NOT NULL DEFAULT '',
  membership_status VARCHAR(128) NOT NULL DEFAULT '',
  membership_count  SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  join_date         DATE NULL,
  start_date        DATE NULL,
  end_date          DATE NULL,
  in_good_standing  BOOLEAN NOT NULL,
  first_seen_at     DATETIME(6) NOT NULL,
  last_seen_at      DATETIME(6) NOT NULL,
  lapsed_at         DATETIME(6) NULL,
  lapse_reason      VARCHAR(255) NULL,
  PRIMARY KEY (contact_id),
  KEY members_email (email),
  KEY members_standing (in_good_standing, contact_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
