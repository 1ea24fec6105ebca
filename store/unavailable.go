package store

import (
	"database/sql/driver"
	"errors"
	"net"
	"syscall"

	"github.com/civivote/civivote/election"
	"github.com/go-sql-driver/mysql"
)

// MariaDB errors that mean the server is going away or turning connections away, not
// that the statement was wrong.
const (
	mysqlTooManyConnections = 1040 // ER_CON_COUNT_ERROR: max_connections reached
	mysqlUserConnections    = 1203 // ER_TOO_MANY_USER_CONNECTIONS: max_user_connections reached
	mysqlServerShutdown     = 1053 // ER_SERVER_SHUTDOWN
	mysqlConnectionKilled   = 1927 // ER_CONNECTION_KILLED
)

// unavailableError is a database error that means the server could not be reached or went
// away mid-request: the transaction it was part of was rolled back by the server, so
// nothing of it is stored. It matches election.ErrUnavailable and unwraps to the driver's
// error for the log.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return "the database is unreachable: " + e.err.Error() }

func (e *unavailableError) Unwrap() []error { return []error{election.ErrUnavailable, e.err} }

// unavailable marks err as election.ErrUnavailable when it is a lost or refused database
// connection, so that members get "temporarily unavailable, try again" (503) rather than
// an internal error. Other errors are returned unchanged.
func unavailable(err error) error {
	var (
		op    *net.OpError
		myErr *mysql.MySQLError
	)
	switch {
	case err == nil, errors.Is(err, election.ErrUnavailable):
		return err
	case errors.As(err, &op), errors.Is(err, driver.ErrBadConn), errors.Is(err, mysql.ErrInvalidConn),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &myErr) && (myErr.Number == mysqlServerShutdown || myErr.Number == mysqlConnectionKilled ||
			myErr.Number == mysqlTooManyConnections || myErr.Number == mysqlUserConnections):
		return &unavailableError{err}
	}
	return err
}
