-- Challenged ballots: cast, where the election allows it, by members whom the roll does not
-- list as eligible (lapsed, joined after roll_closes, or not on the roll at all), and kept
-- apart from `ballots` until the committee rules. Like the outer envelope of a postal
-- ballot, contact_id links the member to their ballot only while the challenge is open: a
-- ruling empties choices and receipt_code (an accepted ballot moves into `ballots` under a
-- fresh random id, a rejected one is destroyed), so afterwards the row says only that the
-- member challenged and how the committee ruled (as the audit log does), which keeps each
-- member to one ballot. created_at is kept to the quarter hour, like voters.voted_at.
CREATE TABLE IF NOT EXISTS challenged_ballots (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  election_id  BIGINT UNSIGNED NOT NULL,
  contact_id   BIGINT UNSIGNED NOT NULL,
  off_roll     VARCHAR(16) NOT NULL,
  reason       VARCHAR(2000) NOT NULL,
  choices      JSON NULL,
  receipt_code VARCHAR(32) NULL,
  status       VARCHAR(16) NOT NULL,
  created_at   DATETIME NOT NULL,
  ruled_at     DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY challenged_member (election_id, contact_id),
  UNIQUE KEY challenged_receipt (election_id, receipt_code),
  KEY challenged_status (election_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
