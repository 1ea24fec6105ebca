-- An election as the committee defined it. Times are UTC; timezone is the IANA zone the
-- definition's wall-clock times were written in.
CREATE TABLE IF NOT EXISTS elections (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  slug                 VARCHAR(64) NOT NULL,
  title                VARCHAR(255) NOT NULL,
  timezone             VARCHAR(64) NOT NULL,
  state                VARCHAR(32) NOT NULL,
  definition           MEDIUMTEXT NOT NULL,
  definition_hash      BINARY(32) NOT NULL,
  nominations_opens_at DATETIME(6) NOT NULL,
  nominations_close_at DATETIME(6) NOT NULL,
  voting_opens_at      DATETIME(6) NOT NULL,
  voting_closes_at     DATETIME(6) NOT NULL,
  roll_closes_at       DATETIME(6) NULL,
  tenure_starts        DATE NOT NULL,
  created_at           DATETIME(6) NOT NULL,
  updated_at           DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY elections_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
