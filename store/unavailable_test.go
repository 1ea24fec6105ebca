package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/civivote/civivote/election"
	"github.com/go-sql-driver/mysql"
)

// Lost and refused connections become election.ErrUnavailable (a 503 for members); the
// statement's own errors do not.
func TestUnavailableClassifiesLostConnections(t *testing.T) {
	for _, err := range []error{
		&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED},
		driver.ErrBadConn, mysql.ErrInvalidConn, fmt.Errorf("read: %w", syscall.ECONNRESET),
		&mysql.MySQLError{Number: 1053, Message: "Server shutdown in progress"},
		&mysql.MySQLError{Number: 1927, Message: "Connection was killed"},
		&mysql.MySQLError{Number: 1040, Message: "Too many connections"},
		&mysql.MySQLError{Number: 1203, Message: "User civivote already has more than 'max_user_connections' active connections"},
	} {
		got := unavailable(err)
		if !errors.Is(got, election.ErrUnavailable) || !errors.Is(got, err) {
			t.Errorf("%v: %v, want ErrUnavailable wrapping it", err, got)
		}
	}
	for _, err := range []error{nil, &mysql.MySQLError{Number: 1062, Message: "Duplicate entry"},
		election.Errorf(election.ErrAlreadyVoted, "voted"), errors.New("other")} {
		if got := unavailable(err); got != err {
			t.Errorf("%v became %v", err, got)
		}
	}
}
