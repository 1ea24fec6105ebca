-- The committee's decisions by lot, one row per tied seat filled, replayed in id order on
-- every count. tied and votes record the tie as it stood when the lot was drawn: a later
-- ruling on a challenged ballot that changes the tie makes the decision void rather than
-- silently applying it to a different draw. winner 0 is Re-open nominations.
CREATE TABLE IF NOT EXISTS tie_resolutions (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  election_id  BIGINT UNSIGNED NOT NULL,
  position_key VARCHAR(64) NOT NULL,
  winner       BIGINT UNSIGNED NOT NULL,
  tied         JSON NOT NULL,
  votes        INT UNSIGNED NOT NULL,
  reason       TEXT NOT NULL,
  actor        VARCHAR(128) NOT NULL,
  at           DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY tie_resolutions_election (election_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
