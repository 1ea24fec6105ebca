package civicrmtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// orderTerm is one entry of orderBy, kept in the order the client sent.
type orderTerm struct {
	field string
	desc  bool
}

// params are the decoded APIv4 action parameters.
type params struct {
	has      map[string]bool
	selects  []string
	where    []any
	orderBy  []orderTerm
	limit    int
	offset   int
	groupBy  []string
	join     []any
	values   map[string]any
	records  []map[string]any
	defaults map[string]any
	match    []string
	// contactId and isTest are Contact.getMergedTo's own parameters, kept
	// raw because CiviCRM checks their types itself.
	contactID any
	isTest    any
}

// errMalformed marks params that are not valid JSON; CiviCRM answers them
// with an HTML error page rather than JSON.
var errMalformed = errors.New("civicrmtest: malformed params JSON")

// parseParams decodes the params field. A JSON array becomes keys "0",
// "1", … just as PHP's json_decode into an array does, which is why
// CiviCRM then complains about "set0".
func parseParams(raw string) (*params, []string, error) {
	p := &params{has: map[string]bool{}}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return p, nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil || dec.More() {
		return nil, nil, errMalformed
	}
	var keys []string
	switch t := top.(type) {
	case []any:
		for i := range t {
			keys = append(keys, itoa(i))
		}
		return p, keys, nil
	case map[string]any:
		keys = orderedKeys(raw)
		for k, v := range t {
			p.has[k] = true
			if err := p.set(k, v, raw); err != nil {
				return nil, nil, err
			}
		}
	default:
		return nil, nil, errMalformed
	}
	return p, keys, nil
}

func (p *params) set(k string, v any, raw string) error {
	switch k {
	case "select":
		p.selects = append(p.selects, stringsIn(v)...)
	case "where":
		p.where = asList(v)
	case "orderBy":
		p.orderBy = orderTerms(raw)
	case "limit":
		p.limit = int(convert(kInt, v).i)
	case "offset":
		p.offset = int(convert(kInt, v).i)
	case "groupBy":
		p.groupBy = append(p.groupBy, stringsIn(v)...)
	case "join":
		p.join = asList(v)
	case "values":
		p.values, _ = v.(map[string]any)
	case "defaults":
		p.defaults, _ = v.(map[string]any)
	case "records":
		for _, r := range asList(v) {
			if m, ok := r.(map[string]any); ok {
				p.records = append(p.records, m)
			}
		}
	case "contactId":
		p.contactID = v
	case "isTest":
		p.isTest = v
	case "match":
		for _, s := range asList(v) {
			if str, ok := s.(string); ok {
				p.match = append(p.match, str)
			}
		}
	}
	return nil
}

// stringsIn returns the strings of a JSON list; CiviCRM ignores other entries.
func stringsIn(v any) []string {
	var out []string
	for _, s := range asList(v) {
		if str, ok := s.(string); ok {
			out = append(out, str)
		}
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// orderedKeys lists the top-level keys of a JSON object in document order.
func orderedKeys(raw string) []string {
	dec := json.NewDecoder(strings.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		keys = append(keys, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}

// orderTerms reads orderBy keeping key order, which a Go map loses.
func orderTerms(raw string) []orderTerm {
	var top map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &top) != nil {
		return nil
	}
	ob := bytes.TrimSpace(top["orderBy"])
	if len(ob) == 0 || ob[0] != '{' {
		return nil
	}
	var terms []orderTerm
	dec := json.NewDecoder(bytes.NewReader(ob))
	_, _ = dec.Token()
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return terms
		}
		var dir string
		if err := dec.Decode(&dir); err != nil {
			return terms
		}
		terms = append(terms, orderTerm{field: t.(string), desc: strings.EqualFold(dir, "DESC")})
	}
	return terms
}

// allowedParams lists the parameters each action accepts, beyond the ones
// every action has.
func allowedParams(action string) []string {
	common := []string{"checkPermissions", "debug", "language", "chain", "version"}
	switch action {
	case "get":
		return append(common, "select", "where", "orderBy", "limit", "offset", "groupBy", "having", "join")
	case "getFields":
		return append(common, "select", "where", "orderBy", "limit", "offset", "loadOptions", "action", "values", "includeCustom")
	case "update":
		return append(common, "where", "values", "reload", "select", "orderBy", "limit")
	case "create":
		return append(common, "values", "reload")
	case "save":
		return append(common, "records", "defaults", "match", "reload")
	case "delete":
		return append(common, "where", "useTrash", "orderBy", "limit")
	case "getMergedTo":
		return append(common, "contactId", "isTest")
	}
	return common
}

// unknownParam returns CiviCRM's message for the first key the action does
// not know: APIv4 calls a setter named after the key.
func unknownParam(action string, keys []string) string {
	allowed := allowedParams(action)
	for _, k := range keys {
		ok := false
		for _, a := range allowed {
			if a == k {
				ok = true
				break
			}
		}
		if !ok {
			return "Unknown api parameter: set" + strings.ToUpper(k[:min(1, len(k))]) + k[min(1, len(k)):]
		}
	}
	return ""
}

func itoa(i int) string {
	return string(appendVal(nil, vInt(int64(i))))
}
