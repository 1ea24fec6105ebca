package web

import (
	"database/sql/driver"
	"errors"
	"net"

	"github.com/civivote/civivote/election"
)

// retryAfterUnavailable is the Retry-After of a 503: a database restart or failover takes
// about this long.
const retryAfterUnavailable = "30"

// isUnavailable reports whether err means the database could not be reached: the store
// marks lost connections election.ErrUnavailable; a refused or dropped connection seen
// through any other store call (a *net.OpError from the dial, or driver.ErrBadConn) means
// the same. Nothing was changed, and the request will work once the database is back.
func isUnavailable(err error) bool {
	var op *net.OpError
	return errors.Is(err, election.ErrUnavailable) || errors.As(err, &op) || errors.Is(err, driver.ErrBadConn)
}

// unavailableView is the page a member gets while the database is down. On the cast
// itself it says plainly that the vote was not recorded, so they know to vote again.
func unavailableView(castPattern bool, contact string) errorView {
	v := errorView{Heading: "Temporarily unavailable", Contact: contact}
	if castPattern {
		v.Message = "Voting is temporarily unavailable: your vote was not recorded. Try again in a minute or two, " +
			"with the same link; your ballot will be counted once it is recorded and you see your receipt code."
	} else {
		v.Message = "This service is temporarily unavailable, and nothing you sent was saved. Try again in a minute or two."
	}
	return v
}
