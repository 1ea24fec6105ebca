-- "When did the roster last apply?" is asked on every lookup.
ALTER TABLE sync_runs ADD KEY sync_runs_outcome (outcome, finished_at)
