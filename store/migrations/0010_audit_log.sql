-- Append-only record of who did what (never how anyone voted).
CREATE TABLE IF NOT EXISTS audit_log (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at          DATETIME(6) NOT NULL,
  actor       VARCHAR(128) NOT NULL,
  action      VARCHAR(64) NOT NULL,
  election_id BIGINT UNSIGNED NULL,
  contact_id  BIGINT UNSIGNED NULL,
  details     JSON NOT NULL,
  PRIMARY KEY (id),
  KEY audit_election (election_id, id),
  KEY audit_contact (contact_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
