package store

// CountByPrefixQuery exposes the SQL of Outbox.CountByPrefix to the EXPLAIN test.
var CountByPrefixQuery = countByPrefixQuery
