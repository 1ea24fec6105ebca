package civicrmtest

import (
	"regexp"
	"strconv"
	"strings"
)

// compileOp turns one operator and its operand into a test on a field
// value of kind k, with MySQL's semantics (NULL matches nothing but IS
// NULL; strings compare case-insensitively).
func compileOp(k kind, op string, arg any) (func(val) bool, error) {
	list, _ := arg.([]any)
	ops := make([]operand, len(list))
	for i, a := range list {
		ops[i] = convert(k, a)
	}
	o := convert(k, arg)
	cmp := func(v val, want func(int) bool) bool {
		c, ok := compare(k, v, o)
		return ok && want(c)
	}
	empty := func(v val) bool { return v.k == kNull || (v.k == kStr && v.s == "") || (v.k != kStr && v.i == 0) }
	in := func(v val) bool {
		for _, x := range ops {
			if c, ok := compare(k, v, x); ok && c == 0 {
				return true
			}
		}
		return false
	}
	switch op {
	case "=":
		return func(v val) bool { return cmp(v, func(c int) bool { return c == 0 }) }, nil
	case "!=", "<>":
		return func(v val) bool { return cmp(v, func(c int) bool { return c != 0 }) }, nil
	case "<":
		return func(v val) bool { return cmp(v, func(c int) bool { return c < 0 }) }, nil
	case "<=":
		return func(v val) bool { return cmp(v, func(c int) bool { return c <= 0 }) }, nil
	case ">":
		return func(v val) bool { return cmp(v, func(c int) bool { return c > 0 }) }, nil
	case ">=":
		return func(v val) bool { return cmp(v, func(c int) bool { return c >= 0 }) }, nil
	case "IN":
		return in, nil
	case "NOT IN":
		return func(v val) bool { return v.k != kNull && !in(v) }, nil
	case "IS NULL":
		return func(v val) bool { return v.k == kNull }, nil
	case "IS NOT NULL":
		return func(v val) bool { return v.k != kNull }, nil
	case "IS EMPTY":
		return empty, nil
	case "IS NOT EMPTY":
		return func(v val) bool { return !empty(v) }, nil
	case "BETWEEN", "NOT BETWEEN":
		if len(ops) != 2 {
			return nil, apiErr("BETWEEN requires an array of two values")
		}
		between := func(v val) bool {
			a, ok1 := compare(k, v, ops[0])
			b, ok2 := compare(k, v, ops[1])
			return ok1 && ok2 && a >= 0 && b <= 0
		}
		if op == "BETWEEN" {
			return between, nil
		}
		return func(v val) bool { return v.k != kNull && !between(v) }, nil
	case "LIKE", "NOT LIKE", "CONTAINS", "NOT CONTAINS":
		pat := strings.ToLower(o.s)
		if strings.HasSuffix(op, "CONTAINS") {
			pat = "%" + pat + "%"
		}
		neg := strings.HasPrefix(op, "NOT")
		return func(v val) bool {
			if v.k == kNull {
				return false
			}
			s := v.s
			if v.k != kStr {
				s = strconv.FormatInt(v.i, 10)
			}
			return like(strings.ToLower(s), pat) != neg
		}, nil
	case "REGEXP", "NOT REGEXP":
		re, err := regexp.Compile("(?i)" + o.s)
		if err != nil {
			return nil, apiErr("Invalid regular expression")
		}
		neg := op == "NOT REGEXP"
		return func(v val) bool { return v.k != kNull && re.MatchString(v.s) != neg }, nil
	}
	return nil, apiErr("Illegal operator")
}

// like matches SQL LIKE patterns: % any run, _ one character, \ escapes.
func like(s, p string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '%':
			for len(p) > 0 && p[0] == '%' {
				p = p[1:]
			}
			if p == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if like(s[i:], p) {
					return true
				}
			}
			return false
		case '_':
			if s == "" {
				return false
			}
			s, p = s[1:], p[1:]
		default:
			if p[0] == '\\' && len(p) > 1 {
				p = p[1:]
			}
			if s == "" || s[0] != p[0] {
				return false
			}
			s, p = s[1:], p[1:]
		}
	}
	return s == ""
}
