-- Self-nominations. A member has at most one row per position; one_position_per_member is
-- enforced when nominating.
CREATE TABLE IF NOT EXISTS candidates (
  id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  election_id        BIGINT UNSIGNED NOT NULL,
  position_key       VARCHAR(64) NOT NULL,
  contact_id         BIGINT UNSIGNED NOT NULL,
  display_name       VARCHAR(255) NOT NULL,
  statement          TEXT NOT NULL,
  declarations       JSON NOT NULL,
  co_officer_consent BOOLEAN NOT NULL DEFAULT FALSE,
  status             VARCHAR(16) NOT NULL,
  status_reason      VARCHAR(1000) NULL,
  created_at         DATETIME(6) NOT NULL,
  updated_at         DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY candidates_member_position (election_id, contact_id, position_key),
  KEY candidates_position (election_id, position_key, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
