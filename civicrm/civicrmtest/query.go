package civicrmtest

import (
	"regexp"
	"slices"
	"strings"
)

// outCol is one column of a get answer.
type outCol struct {
	key []byte // `"name":`, pre-encoded
	f   *field
	agg bool // COUNT(…): the value is the group size
}

// result is an answer in the making: buf holds `{"values":[…]`.
type result struct {
	buf        []byte
	count      int
	fetched    int
	matched    int
	hasMatched bool
}

func colKey(name string) []byte {
	return append(appendString(nil, name), ':')
}

var aggregateRE = regexp.MustCompile(`^(?i)(COUNT|SUM|MIN|MAX)\(([\w.:]+)\)(?: AS (\w+))?$`)

// selection is a resolved select list.
type selection struct {
	cols      []outCol
	star      bool
	rowCount  bool
	countOnly bool
	grouped   bool
	starCache map[string][]outCol
}

func resolveSelect(q *qctx, e *entity, sel []string, grouped bool) *selection {
	s := &selection{grouped: grouped, star: len(sel) == 0}
	seen := map[string]bool{}
	addCol := func(name string, f *field) {
		if f == nil || f.hidden || seen[name] {
			return
		}
		seen[name] = true
		s.cols = append(s.cols, outCol{key: colKey(name), f: f})
	}
	onlyCount := len(sel) > 0
	for _, name := range sel {
		switch {
		case name == "row_count":
			s.rowCount = true
			continue
		case name == "*":
			s.star = true
		case strings.HasSuffix(name, ".*"):
			prefix := strings.TrimSuffix(name, "*")
			for _, f := range wildcardFields(q, e, prefix) {
				addCol(f.name, f)
			}
		default:
			if m := aggregateRE.FindStringSubmatch(name); m != nil {
				alias := m[3]
				if alias == "" {
					alias = strings.ToUpper(m[1]) + ":" + m[2]
				}
				if !seen[alias] {
					seen[alias] = true
					s.cols = append(s.cols, outCol{key: colKey(alias), agg: true})
				}
				s.grouped = true
			} else {
				addCol(name, e.resolve(q, name))
			}
		}
		onlyCount = false
	}
	s.countOnly = onlyCount
	if !s.grouped && !s.star && !seen["id"] {
		if f := e.byName["id"]; f != nil && !f.hidden {
			s.cols = append([]outCol{{key: colKey("id"), f: f}}, s.cols...)
		}
	}
	return s
}

// wildcardFields expands "Group.*" (custom fields) or "custom.*".
func wildcardFields(q *qctx, e *entity, prefix string) []*field {
	var out []*field
	if e.dynamic == nil {
		return nil
	}
	for _, cf := range q.st.custom {
		if prefix == "custom." || cf.group+"." == prefix {
			if f := e.dynamic(q, cf.key()); f != nil {
				out = append(out, f)
			}
		}
	}
	return out
}

// colsFor returns the columns for row, expanding "*" per contact type.
func (s *selection) colsFor(e *entity, row any) []outCol {
	if !s.star {
		return s.cols
	}
	ct := ""
	if c, ok := row.(*Contact); ok {
		ct = c.ContactType
	}
	if cols, ok := s.starCache[ct]; ok {
		return cols
	}
	var cols []outCol
	seen := map[string]bool{}
	for _, f := range e.starFields(row) {
		seen[f.name] = true
		cols = append(cols, outCol{key: colKey(f.name), f: f})
	}
	for _, c := range s.cols {
		if c.f != nil && !seen[c.f.name] {
			cols = append(cols, c)
		}
	}
	if s.starCache == nil {
		s.starCache = map[string][]outCol{}
	}
	s.starCache[ct] = cols
	return cols
}

func appendRow(q *qctx, b []byte, cols []outCol, row any, groupSize int) []byte {
	b = append(b, '{')
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, c.key...)
		if c.agg {
			b = appendVal(b, vInt(int64(groupSize)))
			continue
		}
		b = appendVal(b, c.f.get(q, row))
	}
	return append(b, '}')
}

// runGet answers a get: filter, order, page and render. extra holds
// clauses the fake adds itself (default filters, ACLs).
func runGet(q *qctx, e *entity, p *params, extra []any, drop int) (*result, error) {
	where, err := compileWhere(q, e, append(slices.Clip(p.where), extra...))
	if err != nil {
		return nil, err
	}
	type term struct {
		f    *field
		desc bool
	}
	var order []term
	for _, t := range p.orderBy {
		f := e.resolve(q, t.field)
		if f == nil {
			return nil, apiErrf("Invalid field '%s'", t.field)
		}
		order = append(order, term{f, t.desc})
	}
	var groupBy []*field
	for _, g := range p.groupBy {
		f := e.resolve(q, g)
		if f == nil {
			return nil, apiErrf("Invalid field '%s'", g)
		}
		groupBy = append(groupBy, f)
	}
	sel := resolveSelect(q, e, p.selects, len(groupBy) > 0)
	res := &result{buf: q.srv.getBuf(512 + min(max(p.limit, 10), 100_000)*400)}
	res.buf = append(res.buf, `{"values":[`...)
	lo := idLowerBound(p.where)
	emit := func(row any, size int) {
		if drop > 0 {
			drop--
			return
		}
		if res.fetched > 0 {
			res.buf = append(res.buf, ',')
		}
		res.buf = appendRow(q, res.buf, sel.colsFor(e, row), row, size)
		res.fetched++
	}
	streaming := !sel.grouped && (len(order) == 0 || (len(order) == 1 && order[0].f.name == "id" && !order[0].desc))
	if streaming {
		matched, taken := 0, 0
		e.scan(q, lo, func(row any) bool {
			if !where(q, row) {
				return true
			}
			matched++
			if matched <= p.offset || sel.countOnly || (p.limit > 0 && taken >= p.limit) {
				return sel.rowCount || sel.countOnly || p.limit == 0 || taken < p.limit
			}
			taken++
			emit(row, 1)
			return sel.rowCount || p.limit == 0 || taken < p.limit
		})
		res.matched = matched
	} else {
		var rows []any
		e.scan(q, lo, func(row any) bool {
			if where(q, row) {
				rows = append(rows, e.clone(row))
			}
			return true
		})
		slices.SortStableFunc(rows, func(a, b any) int {
			for _, t := range order {
				c := compareVals(t.f.get(q, a), t.f.get(q, b))
				if t.desc {
					c = -c
				}
				if c != 0 {
					return c
				}
			}
			return 0
		})
		sizes := make([]int, len(rows))
		if sel.grouped {
			rows, sizes = group(q, rows, groupBy)
		}
		res.matched = len(rows)
		if !sel.countOnly {
			end := len(rows)
			if p.limit > 0 {
				end = min(end, p.offset+p.limit)
			}
			for i := min(p.offset, len(rows)); i < end; i++ {
				emit(rows[i], sizes[i])
			}
		}
	}
	res.buf = append(res.buf, ']')
	res.count = res.fetched
	if p.limit > 0 && res.fetched < p.limit && p.offset > 0 {
		// APIv4 counts when an offset page comes back short (transcript 04).
		res.count = p.offset + res.fetched
	}
	if sel.rowCount {
		res.count, res.hasMatched = res.matched, true
	}
	return res, nil
}

// group folds sorted rows into one row per distinct groupBy key, keeping
// first-seen order and the group sizes for COUNT.
func group(q *qctx, rows []any, by []*field) ([]any, []int) {
	var out []any
	var sizes []int
	index := map[string]int{}
	for _, r := range rows {
		var key []byte
		for _, f := range by {
			key = appendVal(key, f.get(q, r))
			key = append(key, 0)
		}
		if i, ok := index[string(key)]; ok {
			sizes[i]++
			continue
		}
		index[string(key)] = len(out)
		out = append(out, r)
		sizes = append(sizes, 1)
	}
	return out, sizes
}

// compareVals orders values as MySQL does: NULL first, numbers by value,
// strings case-insensitively.
func compareVals(a, b val) int {
	switch {
	case a.k == kNull && b.k == kNull:
		return 0
	case a.k == kNull:
		return -1
	case b.k == kNull:
		return 1
	case a.k == kStr || b.k == kStr:
		return strings.Compare(strings.ToLower(a.s), strings.ToLower(b.s))
	case a.i < b.i:
		return -1
	case a.i > b.i:
		return 1
	}
	return 0
}
