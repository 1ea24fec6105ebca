-- Whether the voter's removal from the election's "not yet voted" group has been queued.
-- Casting only marks the voter; a periodic sweep queues the removals in batches, which keeps
-- two outbox statements out of every cast.
ALTER TABLE voters ADD COLUMN not_voted_removal_queued BOOLEAN NOT NULL DEFAULT FALSE AFTER voted_at
