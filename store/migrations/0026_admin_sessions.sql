-- Sign-in sessions of the committee's dashboard. Only the SHA-256 of the random session id
-- is kept, so a copy of the table cannot be used to sign in; signing out deletes the row.
CREATE TABLE IF NOT EXISTS admin_sessions (
  id_hash    BINARY(32) NOT NULL,
  role       VARCHAR(16) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  last_seen  DATETIME(6) NOT NULL,
  PRIMARY KEY (id_hash),
  KEY admin_sessions_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
