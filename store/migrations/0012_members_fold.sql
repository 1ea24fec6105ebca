-- The membership a member's fields come from (the fold's winner) and a hash of its content,
-- so a sync recognises an unchanged member without reading it back or rewriting it.
ALTER TABLE members
  ADD COLUMN membership_id BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER contact_id,
  ADD COLUMN row_hash BIGINT UNSIGNED NOT NULL DEFAULT 0
