// Package election holds the types and rules of a union's officer elections: the
// definition a committee writes in YAML, the lifecycle from draft to written back,
// nominations and statements, seat fixing, personal-link tokens, ballots, the tally
// and its ties, tenure dates and the way times are shown to members.
//
// It is the domain at the centre of civivote. It performs no I/O and imports only the
// standard library (plus a pure YAML decoder, see yaml.go), so every rule here is
// tested without a database, a clock or a network. Callers supply the current time,
// randomness and stored data; this package decides.
//
// Errors returned here carry a kind (ErrInvalid, ErrNotFound, ErrConflict,
// ErrAlreadyVoted, ErrWindowClosed, ErrWrongState, ErrTieUnresolved) that the web layer
// maps to an HTTP status in one place with errors.Is, and a message written for the
// person who has to act on it.
package election
