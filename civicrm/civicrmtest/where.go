package civicrmtest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// pred reports whether a row matches a compiled where clause.
type pred func(q *qctx, row any) bool

func matchAll(*qctx, any) bool { return true }

// compileWhere turns APIv4 where clauses into a predicate. Clauses at one
// level are ANDed; ["OR",[…]], ["AND",[…]] and ["NOT",[…]] nest.
func compileWhere(q *qctx, e *entity, clauses []any) (pred, error) {
	var preds []pred
	for _, c := range clauses {
		p, err := compileClause(q, e, c)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	switch len(preds) {
	case 0:
		return matchAll, nil
	case 1:
		return preds[0], nil
	}
	return func(q *qctx, row any) bool {
		for _, p := range preds {
			if !p(q, row) {
				return false
			}
		}
		return true
	}, nil
}

func compileClause(q *qctx, e *entity, c any) (pred, error) {
	leaf, ok := c.([]any)
	if !ok || len(leaf) == 0 {
		return nil, apiErr("Invalid where clause")
	}
	name, _ := leaf[0].(string)
	switch name {
	case "AND", "OR", "NOT":
		var sub []any
		if len(leaf) > 1 {
			sub, _ = leaf[1].([]any)
		}
		var preds []pred
		for _, s := range sub {
			p, err := compileClause(q, e, s)
			if err != nil {
				return nil, err
			}
			preds = append(preds, p)
		}
		return func(q *qctx, row any) bool {
			switch name {
			case "OR":
				for _, p := range preds {
					if p(q, row) {
						return true
					}
				}
				return len(preds) == 0
			case "NOT":
				for _, p := range preds {
					if !p(q, row) {
						return true
					}
				}
				return false
			}
			for _, p := range preds {
				if !p(q, row) {
					return false
				}
			}
			return true
		}, nil
	}
	if len(leaf) < 2 {
		return nil, apiErr("Illegal operator")
	}
	op, _ := leaf[1].(string)
	op = strings.ToUpper(op)
	if !validOperator(op) {
		return nil, apiErr("Illegal operator")
	}
	f := e.resolve(q, name)
	if f == nil {
		return nil, apiErr(fmt.Sprintf("Invalid field '%s'", name))
	}
	var arg any
	if len(leaf) > 2 {
		arg = leaf[2]
	}
	if f.match != nil {
		m := f.match
		return func(q *qctx, row any) bool {
			ok, _ := m(q, row, op, arg)
			return ok
		}, nil
	}
	test, err := compileOp(f.kind, op, arg)
	if err != nil {
		return nil, err
	}
	get := f.get
	return func(q *qctx, row any) bool { return test(get(q, row)) }, nil
}

func validOperator(op string) bool {
	switch op {
	case "=", "!=", "<>", "<", "<=", ">", ">=", "LIKE", "NOT LIKE", "IN", "NOT IN",
		"BETWEEN", "NOT BETWEEN", "IS NULL", "IS NOT NULL", "IS EMPTY", "IS NOT EMPTY",
		"CONTAINS", "NOT CONTAINS", "REGEXP", "NOT REGEXP":
		return true
	}
	return false
}

// operand is a where value converted to the field's kind.
type operand struct {
	null bool
	i    int64
	s    string
}

func convert(k kind, a any) operand {
	switch x := a.(type) {
	case nil:
		return operand{null: true}
	case bool:
		if x {
			return operand{i: 1, s: "1"}
		}
		return operand{s: "0"}
	case int64:
		return operand{i: x, s: strconv.FormatInt(x, 10)}
	case int:
		return operand{i: int64(x), s: strconv.Itoa(x)}
	case float64:
		return operand{i: int64(x), s: strconv.FormatFloat(x, 'f', -1, 64)}
	case json.Number:
		i, _ := strconv.ParseInt(x.String(), 10, 64)
		return operand{i: i, s: x.String()}
	case string:
		o := operand{s: x}
		if k == kInt || k == kBool {
			o.i, _ = strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		}
		return o
	}
	b, _ := json.Marshal(a)
	return operand{s: string(b)}
}

// compare orders a field value against an operand; ok is false for NULL.
func compare(k kind, v val, o operand) (int, bool) {
	if v.k == kNull || o.null {
		return 0, false
	}
	if k == kInt || k == kBool {
		switch {
		case v.i < o.i:
			return -1, true
		case v.i > o.i:
			return 1, true
		}
		return 0, true
	}
	return strings.Compare(strings.ToLower(v.s), strings.ToLower(o.s)), true
}

// idLowerBound finds the smallest id a top-level id clause allows, so
// keyset pages start scanning there instead of at the first row.
func idLowerBound(clauses []any) int64 {
	var lo int64
	for _, c := range clauses {
		leaf, ok := c.([]any)
		if !ok || len(leaf) < 3 || leaf[0] != "id" {
			continue
		}
		op, _ := leaf[1].(string)
		o := convert(kInt, leaf[2])
		if o.null {
			continue
		}
		switch op {
		case ">":
			lo = max(lo, o.i+1)
		case ">=", "=":
			lo = max(lo, o.i)
		}
	}
	return lo
}
