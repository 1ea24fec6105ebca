package civicrmtest

import (
	"strings"
	"time"
)

// qctx is what field getters and actions may use while answering one call.
type qctx struct {
	srv     *Server
	st      *store
	now     time.Time
	today   string
	aliases map[string]*field // explicit join aliases, e.g. "email.email"
	scratch Contact           // join target reused across rows
}

// getter reads one field of a row. Rows are entity-specific pointers.
type getter func(q *qctx, row any) val

// field is one API field of an entity.
type field struct {
	name string
	kind kind // the type where operands are converted to
	get  getter
	// star marks fields returned by "*" or by a get without select;
	// forType limits that to one contact type.
	star    bool
	forType string
	// hidden fields can be filtered on but never appear in values (the
	// Contact "groups" filter field).
	hidden bool
	// match overrides where matching for filter-only fields.
	match func(q *qctx, row any, op string, arg any) (bool, error)
}

// join is an implicit foreign-key join ("contact_id.display_name").
type join struct {
	target *entity
	fetch  func(q *qctx, row any) (any, bool)
}

// entity is one APIv4 entity: its fields, joins and actions.
type entity struct {
	name    string
	fields  []*field
	byName  map[string]*field
	joins   map[string]join
	dynamic func(q *qctx, name string) *field // custom fields
	actions map[string]action
	// scan walks rows in id order from lo; clone copies a scanned row so
	// that it survives the scan.
	scan  func(q *qctx, lo int64, fn func(row any) bool)
	clone func(row any) any
}

func newEntity(name string) *entity {
	return &entity{name: name, byName: map[string]*field{}, joins: map[string]join{}, actions: map[string]action{}}
}

func (e *entity) add(name string, k kind, get getter) *field {
	f := &field{name: name, kind: k, get: get, star: true}
	e.fields = append(e.fields, f)
	e.byName[name] = f
	return f
}

// extra adds a field that "*" does not return.
func (e *entity) extra(name string, k kind, get getter) *field {
	f := e.add(name, k, get)
	f.star = false
	return f
}

// resolve finds a field by API name, following implicit joins.
func (e *entity) resolve(q *qctx, name string) *field {
	if f, ok := e.byName[name]; ok {
		return f
	}
	if f, ok := q.aliases[name]; ok {
		return f
	}
	if e.dynamic != nil {
		if f := e.dynamic(q, name); f != nil {
			return f
		}
	}
	fk, rest, ok := strings.Cut(name, ".")
	if !ok {
		return nil
	}
	j, ok := e.joins[fk]
	if !ok {
		return nil
	}
	tf := j.target.resolve(q, rest)
	if tf == nil || tf.hidden {
		return nil
	}
	fetch, inner := j.fetch, tf.get
	return &field{name: name, kind: tf.kind, get: func(q *qctx, row any) val {
		t, ok := fetch(q, row)
		if !ok {
			return vNull()
		}
		return inner(q, t)
	}}
}

// starFields lists the fields "*" expands to for row.
func (e *entity) starFields(row any) []*field {
	ct := ""
	if c, ok := row.(*Contact); ok {
		ct = c.ContactType
	}
	out := make([]*field, 0, len(e.fields))
	for _, f := range e.fields {
		if f.star && (f.forType == "" || f.forType == ct) {
			out = append(out, f)
		}
	}
	return out
}
