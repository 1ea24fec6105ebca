package store

// scanCachedElection is scanElection for the hot path of every member page.
func (s *DB) scanCachedElection(row rowScanner) (*StoredElection, error) {
	return scanElection(row)
}
