-- When civivote recorded that an election's roll closed (roll_closes passed): the audit
-- entry with the rule and the roll's size is written once, in the transaction that sets it.
ALTER TABLE elections ADD COLUMN roll_closed_at DATETIME(6) NULL
