-- Choices live in ballots.choices (0020); nothing ever wrote this table.
DROP TABLE IF EXISTS ballot_choices
