-- The positions of an election. seats is what the definition says; fixed_seats is set when
-- nominations close (a co-officership may turn one seat into two).
CREATE TABLE IF NOT EXISTS positions (
  election_id    BIGINT UNSIGNED NOT NULL,
  position_key   VARCHAR(64) NOT NULL,
  sort_order     SMALLINT UNSIGNED NOT NULL,
  title          VARCHAR(255) NOT NULL,
  description    TEXT NULL,
  seats          SMALLINT UNSIGNED NOT NULL,
  fixed_seats    SMALLINT UNSIGNED NULL,
  tenure_months  SMALLINT UNSIGNED NOT NULL,
  co_officership BOOLEAN NOT NULL,
  declarations   JSON NOT NULL,
  PRIMARY KEY (election_id, position_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
