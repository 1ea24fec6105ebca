package scheduler

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"crypto/rand"
	"encoding/hex"
)

// Leaser grants named leases so that one replica at a time runs a job. store.DB implements
// it; it is declared here, where it is used, so scheduler does not import store.
type Leaser interface {
	AcquireLease(ctx context.Context, name, holder string, tick time.Time, ttl time.Duration) (bool, error)
	RenewLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// ErrBusy means another replica (or another command) holds the job's lease right now.
var ErrBusy = errors.New("another civivote process is running this job right now; try again when it has finished")

// errNotDue means the lease was free but this scheduled tick had already run elsewhere.
var errNotDue = errors.New("tick already run")

// NewHolderID names this process in lease rows: host, pid and a random suffix, so an
// operator can tell which replica holds what.
func NewHolderID() string {
	host, _ := os.Hostname()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Exclusive runs fn while holding the named lease, renewing it every ttl/3. If the lease
// is lost (a database outage outlasting the ttl), fn's context is cancelled so two
// replicas never work at once. A zero tick is a manual run; a scheduled run passes its tick
// so that it runs once however many replicas fire for it. It returns ErrBusy when the lease
// is held elsewhere.
func Exclusive(ctx context.Context, l Leaser, clock Clock, name, holder string, tick time.Time, ttl time.Duration, fn func(context.Context) error) (err error) {
	if clock == nil {
		clock = realClock{}
	}
	ok, err := l.AcquireLease(ctx, name, holder, tick, ttl)
	if err != nil {
		return fmt.Errorf("scheduler: %s: %w", name, err)
	}
	if !ok {
		if !tick.IsZero() {
			return errNotDue
		}
		return ErrBusy
	}
	jctx, cancel := context.WithCancelCause(ctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		for {
			wait, stop := clock.Timer(ttl / 3)
			select {
			case <-jctx.Done():
				stop()
				return
			case <-wait:
			}
			ok, err := l.RenewLease(jctx, name, holder, ttl)
			if jctx.Err() != nil {
				return
			}
			if err != nil || !ok {
				cancel(fmt.Errorf("scheduler: lost the lease of %s (renewal: ok=%v, err=%v); stopped so no other replica runs it at the same time", name, ok, err))
				return
			}
		}
	}()
	// Deferred, so a panicking job (recovered further up) still stops the renewer and
	// frees the lease.
	defer func() {
		cancel(nil)
		<-renewed
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer rcancel()
		if relErr := l.ReleaseLease(rctx, name, holder); relErr != nil {
			err = errors.Join(err, relErr)
		}
	}()
	err = fn(jctx)
	if cause := context.Cause(jctx); err != nil && cause != nil && !errors.Is(cause, context.Canceled) {
		err = fmt.Errorf("%w (%v)", err, cause)
	}
	return err
}
