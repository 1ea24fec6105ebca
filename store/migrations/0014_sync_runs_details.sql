-- What a membership admin needs to read a run afterwards: who asked, why it stopped, and
-- the counts behind the guards and cross-checks.
ALTER TABLE sync_runs
  ADD COLUMN actor VARCHAR(128) NOT NULL DEFAULT '' AFTER trigger_by,
  ADD COLUMN reason VARCHAR(64) NULL AFTER outcome,
  ADD COLUMN expected INT NULL AFTER fetched,
  ADD COLUMN contacts INT UNSIGNED NOT NULL DEFAULT 0 AFTER expected,
  ADD COLUMN unchanged INT UNSIGNED NOT NULL DEFAULT 0 AFTER reactivated,
  ADD COLUMN without_email INT UNSIGNED NOT NULL DEFAULT 0 AFTER unchanged,
  ADD COLUMN stale INT UNSIGNED NOT NULL DEFAULT 0 AFTER without_email
