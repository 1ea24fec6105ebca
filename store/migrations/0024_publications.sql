-- What `civivote publish` froze for an election, served as is: results.json and
-- results.csv with their SHA-256 and the signature of results.json (which carries
-- ballots_sha256, so it covers ballots.json too). ballots.json is not stored: it is written
-- again from the ballots table (ORDER BY id) on each request, and ballots_sha256 is the
-- hash of those bytes at publication. Republishing after a late ruling replaces the row and
-- bumps revision. turnout_json keeps the roll's turnout (eligible, voted, by hour) once a
-- purge has deleted the voters rows it was counted from.
CREATE TABLE IF NOT EXISTS publications (
  election_id        BIGINT UNSIGNED NOT NULL,
  revision           INT UNSIGNED NOT NULL,
  published_at       DATETIME(6) NOT NULL,
  actor              VARCHAR(128) NOT NULL,
  results_json       MEDIUMBLOB NOT NULL,
  results_csv        MEDIUMBLOB NOT NULL,
  results_sha256     BINARY(32) NOT NULL,
  ballots_sha256     BINARY(32) NOT NULL,
  results_signature  VARBINARY(64) NULL,
  signing_public_key VARBINARY(32) NULL,
  ballot_count       INT UNSIGNED NOT NULL,
  purged_at          DATETIME(6) NULL,
  turnout_json       JSON NULL,
  PRIMARY KEY (election_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
