-- A ballot's choices, in the ballot's own row: {"position key": ["candidate id" or "RON", …]},
-- positions left blank absent. One row per ballot, like one sheet of paper per voter, makes
-- casting one INSERT of one row instead of one per choice (a cast costs about half as much
-- database time), and the row still holds nothing that names the voter or the time.
ALTER TABLE ballots ADD COLUMN choices JSON NOT NULL
