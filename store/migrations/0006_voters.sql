-- The roll of an election: one row per member with a personal link. Only the SHA-256 of the
-- link's token is kept; the token itself is derived again from the secret when needed.
CREATE TABLE IF NOT EXISTS voters (
  election_id BIGINT UNSIGNED NOT NULL,
  contact_id  BIGINT UNSIGNED NOT NULL,
  generation  INT UNSIGNED NOT NULL DEFAULT 0,
  token_hash  BINARY(32) NULL,
  voted       BOOLEAN NOT NULL DEFAULT FALSE,
  issued_at   DATETIME(6) NOT NULL,
  revoked_at  DATETIME(6) NULL,
  PRIMARY KEY (election_id, contact_id),
  UNIQUE KEY voters_token (token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
