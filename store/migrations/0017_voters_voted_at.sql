-- When a voter cast their ballot, for turnout by hour. Kept to the quarter hour (every time
-- zone's offset is a multiple of 15 minutes, so local hours still add up), and only here:
-- ballots hold no time at all, so this cannot link a voter to a ballot.
ALTER TABLE voters ADD COLUMN voted_at DATETIME NULL AFTER voted
