package civicrmtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// rawError is an answer given before the API runs (authx, CSRF, method).
type rawError struct {
	status int
	ctype  string
	body   string
}

func (e *rawError) Error() string { return e.body }

// errTimeLimit stands for PHP's "Maximum execution time exceeded".
var errTimeLimit = errors.New("civicrmtest: max execution time exceeded")

func errInvalidCredential() error {
	return &rawError{http.StatusUnauthorized, "text/plain;charset=UTF-8", "HTTP 401 Invalid credential"}
}

// call is one API call being answered.
type call struct {
	srv     *Server
	q       *qctx
	p       *params
	e       *entity
	action  string
	ctx     context.Context
	admin   bool
	self    int64 // the API user's contact id
	fault   *Fault
	written int // records committed so far, for the time-limit fault
}

// authenticate applies authx: X-Civi-Auth, then Authorization: Bearer,
// then _authx. It returns 0 for an anonymous request.
func (s *Server) authenticate(r *http.Request) (int64, error) {
	cred := r.Header.Get("X-Civi-Auth")
	if cred == "" {
		if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
			cred = a
		}
	}
	if cred == "" {
		if r.Method == http.MethodGet {
			cred = r.URL.Query().Get("_authx")
		} else {
			cred = r.PostFormValue("_authx")
		}
	}
	if cred == "" {
		return 0, nil
	}
	scheme, key, _ := strings.Cut(cred, " ")
	if scheme != "Bearer" {
		return 0, errInvalidCredential()
	}
	s.st.mu.RLock()
	id, ok := s.keys[strings.TrimSpace(key)]
	s.st.mu.RUnlock()
	if !ok {
		return 0, errInvalidCredential()
	}
	return id, nil
}

func (s *Server) call(r *http.Request, entityName, actionName string, f *Fault) (*result, error) {
	self, err := s.authenticate(r)
	if err != nil {
		return nil, err
	}
	if r.Method == http.MethodGet && !strings.HasPrefix(actionName, "get") && actionName != "autocomplete" {
		return nil, &rawError{http.StatusMethodNotAllowed, "application/json",
			`{"error_code":405,"error_message":"SECURITY: All requests that modify the database must be http POST, not GET."}`}
	}
	if self == 0 {
		return nil, errForbidden()
	}
	raw := r.FormValue("params")
	p, keys, err := parseParams(raw)
	if err != nil {
		return nil, &htmlError{"array_diff_key(): Argument #2 must be of type array, null given"}
	}
	e, ok := s.entities[entityName]
	if !ok {
		return nil, apiErrf("API (%s, %s) does not exist (or the extension it belongs to is not enabled).", entityName, actionName)
	}
	act, ok := e.actions[actionName]
	if !ok {
		return nil, apiErrf("Api %s %s version 4 does not exist.", entityName, actionName)
	}
	admin := s.admins[self]
	if !admin && !limitedMay(entityName, actionName) {
		return nil, errForbidden()
	}
	if msg := unknownParam(actionName, keys); msg != "" {
		return nil, apiErr(msg)
	}
	now := s.now()
	c := &call{
		srv: s, p: p, e: e, action: actionName, ctx: r.Context(), admin: admin, self: self, fault: f,
		q: &qctx{srv: s, st: s.st, now: now, today: now.Format(time.DateOnly)},
	}
	return act(c)
}

// limitedMay lists what the limited API user may call: reads that ACLs
// filter, but nothing of CiviMember and no writes.
func limitedMay(entity, action string) bool {
	if action == "getFields" {
		return true
	}
	switch entity {
	case "Contact", "GroupContact", "Relationship", "Group", "RelationshipType", "CustomField":
		return action == "get"
	}
	return false
}

// beforeRecord runs before each record of a write: it stops the batch
// when the time-limit fault's budget is spent, then spends the simulated
// per-record cost outside the store lock.
// saveEach runs save on each record of a save call, defaults merged in, one at a time as
// APIv4 does (so a failure leaves the records before it saved), and records the write
// whatever happens. last tells save it has the call's final record.
func saveEach(c *call, withMatched bool, save func(w *writeResult, rec map[string]any, last bool) error) (res *result, err error) {
	records := mergeDefaults(c.p.records, c.p.defaults)
	defer func() { c.recordWrite(nil, records, err) }()
	w := newWriteResult()
	for i, rec := range records {
		if err := c.beforeRecord(); err != nil {
			return nil, err
		}
		if err := save(w, rec, i == len(records)-1); err != nil {
			return nil, err
		}
	}
	return w.done(withMatched), nil
}

// eachMatch runs apply, under the store's lock, on each row an update or delete call's
// where clause (and extra) matches, one row at a time as APIv4 does, and records the write
// (values is what it records as written).
func eachMatch(c *call, extra []any, values []map[string]any, apply func(w *writeResult, id int64, last bool)) (res *result, err error) {
	defer func() { c.recordWrite(c.p.where, values, err) }()
	ids, err := c.matchingIDs(extra)
	if err != nil {
		return nil, err
	}
	w := newWriteResult()
	for i, id := range ids {
		if err := c.beforeRecord(); err != nil {
			return nil, err
		}
		c.q.st.mu.Lock()
		apply(w, id, i == len(ids)-1)
		c.q.st.mu.Unlock()
	}
	return w.done(false), nil
}

func (c *call) beforeRecord() error {
	if c.fault != nil && c.fault.kind == faultTimeLimit && c.written >= c.fault.n {
		return errTimeLimit
	}
	d := c.srv.writeCost[c.e.name]
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-c.ctx.Done():
		return fmt.Errorf("civicrmtest: %s.%s: %w", c.e.name, "write", c.ctx.Err())
	}
}
