-- Cast ballots. By design there is no voter column, no timestamp and no auto-increment: the
-- random id orders rows (InnoDB clusters on it) in no relation to casting time or voter.
CREATE TABLE IF NOT EXISTS ballots (
  id           BINARY(16) NOT NULL,
  election_id  BIGINT UNSIGNED NOT NULL,
  receipt_code VARCHAR(32) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ballots_receipt (election_id, receipt_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
