package civicrmtest

import (
	"sync"
	"time"
)

// Write is one write call as it reached the fake.
type Write struct {
	Time    time.Time
	Entity  string
	Action  string
	Where   []any            // update and delete
	Records []map[string]any // save records (defaults merged), or create/update values
	Saved   int              // records committed, also when the call failed part-way
	Err     string           // the error the call answered with, if any
}

// recorder counts calls and keeps writes; it is safe for concurrent use.
type recorder struct {
	mu     sync.Mutex
	calls  map[string]int
	writes []Write
}

func (r *recorder) count(entity, action string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	r.calls[entity+"."+action]++
}

func (r *recorder) add(w Write) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, w)
}

// Calls reports how many requests reached entity.action, whatever their
// outcome (faults and errors included).
func (s *Server) Calls(entity, action string) int {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return s.rec.calls[entity+"."+action]
}

// Writes returns every write call so far, oldest first.
func (s *Server) Writes() []Write {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return append([]Write(nil), s.rec.writes...)
}

// recordWrite logs the call's write once it is over.
func (c *call) recordWrite(where []any, records []map[string]any, err error) {
	w := Write{
		Time: c.q.now, Entity: c.e.name, Action: c.action,
		Where: where, Records: records, Saved: c.written,
	}
	if err != nil {
		w.Err = err.Error()
	}
	c.srv.rec.add(w)
}
