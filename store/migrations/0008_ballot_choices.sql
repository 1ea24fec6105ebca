-- The choices of a ballot, one row per chosen candidate (or Re-open nominations). A position
-- left blank has no row.
CREATE TABLE IF NOT EXISTS ballot_choices (
  ballot_id    BINARY(16) NOT NULL,
  position_key VARCHAR(64) NOT NULL,
  choice       VARCHAR(32) NOT NULL,
  PRIMARY KEY (ballot_id, position_key, choice)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
