-- How many times a voter's link was revoked because the member lapsed. Each lapse and each
-- return queues a group change of its own, keyed by this count, so a member who lapses and
-- returns more than once is removed from and added to the election's group every time.
ALTER TABLE voters ADD COLUMN revocations INT UNSIGNED NOT NULL DEFAULT 0
