package civicrmtest

import "strconv"

// writeResult accumulates the echoed records of a write action.
type writeResult struct {
	buf     []byte
	n       int
	matched int
}

func newWriteResult() *writeResult {
	return &writeResult{buf: append(make([]byte, 0, 1024), `{"values":[`...)}
}

// echoID appends {"id":"N"}: delete actions answer ids as strings (21).
func (w *writeResult) echoID(id int64) {
	if w.n > 0 {
		w.buf = append(w.buf, ',')
	}
	w.buf = append(w.buf, `{"id":"`...)
	w.buf = strconv.AppendInt(w.buf, id, 10)
	w.buf = append(w.buf, `"}`...)
	w.n++
}

// sep starts the next echoed record.
func (w *writeResult) sep() {
	if w.n > 0 {
		w.buf = append(w.buf, ',')
	}
	w.n++
}

// done closes values; save actions also answer countMatched, the number
// of records that updated an existing row.
func (w *writeResult) done(withMatched bool) *result {
	w.buf = append(w.buf, ']')
	return &result{buf: w.buf, count: w.n, fetched: w.n, matched: w.matched, hasMatched: withMatched}
}

// mergeDefaults applies save's defaults under each record.
func mergeDefaults(records []map[string]any, defaults map[string]any) []map[string]any {
	out := make([]map[string]any, len(records))
	for i, r := range records {
		m := make(map[string]any, len(r)+len(defaults))
		for k, v := range defaults {
			m[k] = v
		}
		for k, v := range r {
			m[k] = v
		}
		out[i] = m
	}
	return out
}
