package election

import (
	"errors"
	"fmt"
	"strings"
)

// Error kinds. Every error this package returns matches exactly one of them under
// errors.Is, so adapters can map a kind to an HTTP status or an exit code in one place
// without parsing messages. Adapters may create errors of these kinds with Errorf, e.g.
// the store turning a duplicate key into ErrConflict.
var (
	// ErrInvalid means the input breaks a rule; the message says which and how to fix it.
	ErrInvalid = errors.New("invalid")
	// ErrNotFound means the thing asked for does not exist (or must not be revealed).
	ErrNotFound = errors.New("not found")
	// ErrConflict means the request clashes with what is already stored.
	ErrConflict = errors.New("conflict")
	// ErrAlreadyVoted means the member has already cast their ballot in this election.
	ErrAlreadyVoted = errors.New("already voted")
	// ErrWindowClosed means the action is outside its window (nominations or voting).
	ErrWindowClosed = errors.New("window closed")
	// ErrWrongState means the election's lifecycle state does not allow the action.
	ErrWrongState = errors.New("wrong state")
	// ErrTieUnresolved means a tie decides a seat and the committee has not resolved it.
	ErrTieUnresolved = errors.New("tie unresolved")
	// ErrUnavailable means a service civivote depends on (its database) cannot be reached
	// right now: nothing was changed, and the same request will work once it is back.
	ErrUnavailable = errors.New("temporarily unavailable")
)

// Error is a domain error: a kind for programs and a message for people.
type Error struct {
	// Kind is one of the Err* sentinels above.
	Kind error
	// Message says what was wrong and what to do, in words a committee member or a
	// member understands. It does not repeat the kind.
	Message string
}

// Errorf returns an *Error of the given kind with a formatted message.
func Errorf(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Error returns the message alone: the kind is for programs, not readers.
func (e *Error) Error() string { return e.Message }

// Unwrap lets errors.Is(err, ErrInvalid) and friends see the kind.
func (e *Error) Unwrap() error { return e.Kind }

// FieldError is one problem with one field of a submitted form.
type FieldError struct {
	// Field names the form field (e.g. "statement", "position"), so a page can link
	// its error summary to the field.
	Field string
	// Message says what is wrong and how to fix it.
	Message string
}

// FormError lists every problem with a submitted form at once, so a member fixes
// them in one round rather than one per submit. It is of kind ErrInvalid.
type FormError struct {
	Problems []FieldError
}

// Error joins the problems, one per line.
func (e *FormError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "\n")
}

// Unwrap makes a FormError match ErrInvalid.
func (e *FormError) Unwrap() error { return ErrInvalid }

// Field returns the message for one field, or "" when that field is fine.
func (e *FormError) Field(name string) string {
	for _, p := range e.Problems {
		if p.Field == name {
			return p.Message
		}
	}
	return ""
}
