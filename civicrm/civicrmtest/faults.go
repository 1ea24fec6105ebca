package civicrmtest

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

type faultKind int

const (
	faultNone faultKind = iota
	faultStatus
	faultRateLimit
	faultHang
	faultSlow
	faultHTML
	faultTruncate
	faultDropRows
	faultTimeLimit
)

// Fault is a misbehaviour injected with Server.Inject. Build one with a
// constructor (Status, TooManyRequests, Hang, …), then narrow it with On
// and Times. By default a fault hits the next matching call only.
type Fault struct {
	kind   faultKind
	status int
	d      time.Duration
	n      int
	msg    string
	entity string
	action string
	times  int // calls left; negative: every call until ClearFaults
}

// Status answers with HTTP code instead of running the call: 500 is a
// JSON API error that is not a validation error ("DB Error: unknown
// error"), 503 is CiviCRM's maintenance-mode JSON, and other codes (502,
// 504, …) are a reverse proxy's HTML page.
func Status(code int) Fault { return Fault{kind: faultStatus, status: code, times: 1} }

// TooManyRequests answers 429 with a Retry-After header in whole seconds.
func TooManyRequests(retryAfter time.Duration) Fault {
	return Fault{kind: faultRateLimit, status: http.StatusTooManyRequests, d: retryAfter, times: 1}
}

// Hang never answers: the request blocks until the client gives up.
func Hang() Fault { return Fault{kind: faultHang, times: 1} }

// Slow delays the answer by d, then answers normally.
func Slow(d time.Duration) Fault { return Fault{kind: faultSlow, d: d, times: 1} }

// HTMLErrorPage answers 500 with CiviCRM's HTML fatal-error page showing msg.
func HTMLErrorPage(msg string) Fault { return Fault{kind: faultHTML, msg: msg, times: 1} }

// TruncatedBody runs the call but cuts the connection halfway through the
// body (Content-Length promises the whole body).
func TruncatedBody() Fault { return Fault{kind: faultTruncate, times: 1} }

// DropRows silently leaves the first n matching rows out of a get page,
// as a replica lagging behind or a racing delete would.
func DropRows(n int) Fault { return Fault{kind: faultDropRows, n: n, times: 1} }

// TimeLimit lets a write commit its first records then dies like PHP past
// max_execution_time: HTTP 500, text/html, empty body, no rollback (82).
func TimeLimit(records int) Fault { return Fault{kind: faultTimeLimit, n: records, times: 1} }

// On limits the fault to calls of entity and action; "" matches any.
func (f Fault) On(entity, action string) Fault {
	f.entity, f.action = entity, action
	return f
}

// Times makes the fault hit the next n matching calls; n <= 0 means every
// matching call until ClearFaults.
func (f Fault) Times(n int) Fault {
	if n <= 0 {
		n = -1
	}
	f.times = n
	return f
}

func (f *Fault) matches(entity, action string) bool {
	return (f.entity == "" || f.entity == entity) && (f.action == "" || f.action == action)
}

// hook runs fn after the n-th matching call has been answered.
type hook struct {
	entity, action string
	left           int
	fn             func(*Server)
}

// faultSet holds pending faults and hooks; it is safe for concurrent use.
type faultSet struct {
	mu     sync.Mutex
	faults []Fault
	hooks  []hook
}

// Inject queues faults; each call takes the first pending fault that
// matches it.
func (s *Server) Inject(faults ...Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = append(s.faults.faults, faults...)
}

// ClearFaults drops every pending fault and hook.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults, s.faults.hooks = nil, nil
}

// AfterCall runs fn once, after the n-th call of entity.action (counted
// from now) has been processed and before its answer is sent: use it to
// change a member's status between two pages.
func (s *Server) AfterCall(entity, action string, n int, fn func(*Server)) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.hooks = append(s.faults.hooks, hook{entity, action, n, fn})
}

func (fs *faultSet) take(entity, action string) Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i := range fs.faults {
		f := &fs.faults[i]
		if !f.matches(entity, action) {
			continue
		}
		out := *f
		if f.times > 0 {
			f.times--
			if f.times == 0 {
				fs.faults = append(fs.faults[:i], fs.faults[i+1:]...)
			}
		}
		return out
	}
	return Fault{}
}

func (fs *faultSet) after(s *Server, entity, action string) {
	fs.mu.Lock()
	var run []func(*Server)
	kept := fs.hooks[:0]
	for _, h := range fs.hooks {
		if (h.entity == "" || h.entity == entity) && (h.action == "" || h.action == action) {
			h.left--
			if h.left <= 0 {
				run = append(run, h.fn)
				continue
			}
		}
		kept = append(kept, h)
	}
	fs.hooks = kept
	fs.mu.Unlock()
	for _, fn := range run {
		fn(s)
	}
}

// before answers instead of the API for faults that replace the call, and
// reports whether it did.
func (f *Fault) before(w http.ResponseWriter, r *http.Request) bool {
	switch f.kind {
	case faultStatus:
		switch f.status {
		case http.StatusInternalServerError:
			writeAPIError(w, &apiError{status: f.status, msg: "DB Error: unknown error"})
		case http.StatusServiceUnavailable:
			writeJSON(w, f.status, []byte(`{"status_code":503,"status_message":"Temporarily unavailable for maintenance."}`))
		default:
			writeProxyPage(w, f.status)
		}
		return true
	case faultRateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(int((f.d+time.Second-1)/time.Second)))
		writeProxyPage(w, f.status)
		return true
	case faultHang:
		<-r.Context().Done()
		return true
	case faultSlow:
		t := time.NewTimer(f.d)
		defer t.Stop()
		select {
		case <-t.C:
			return false
		case <-r.Context().Done():
			return true
		}
	case faultHTML:
		writeFatalPage(w, f.msg)
		return true
	}
	return false
}

// write sends a successful body, or half of it for TruncatedBody.
func (f *Fault) write(w http.ResponseWriter, body []byte) {
	if f.kind != faultTruncate {
		writeJSON(w, http.StatusOK, body)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body[:len(body)/2])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	// Abort the connection so the client sees an unexpected EOF.
	panic(http.ErrAbortHandler)
}

func writeProxyPage(w http.ResponseWriter, status int) {
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	body := "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	writeBody(w, status, "text/html", []byte(body))
}
