package civicrmtest

import (
	"encoding/json"
	"regexp"
	"strconv"
)

// intLike is what CRM_Utils_Rule::integer accepts in a string.
var intLike = regexp.MustCompile(`^-?\d+$`)

// contactGetMergedTo answers Contact.getMergedTo (Civi\Api4\Action\Contact\
// GetMergedTo): the contact a merged-away contact went into, found through
// the merge activities, as [{"id":keep}]. With no recorded merge the
// action still appends its empty finding, so the answer is [null] with a
// count of 1. Only one merge is followed: if keep was merged on later, the
// answer is still keep. The fake's merges are live, so isTest finds none.
func contactGetMergedTo(c *call) (*result, error) {
	id, err := mergedToParams(c.p)
	if err != nil {
		return nil, err
	}
	test, _ := c.p.isTest.(bool)
	c.q.st.mu.RLock()
	keep, merged := c.q.st.mergedTo[id]
	c.q.st.mu.RUnlock()
	w := newWriteResult()
	w.sep()
	if merged && !test {
		w.buf = append(w.buf, `{"id":`...)
		w.buf = strconv.AppendInt(w.buf, keep, 10)
		w.buf = append(w.buf, '}')
	} else {
		w.buf = append(w.buf, "null"...)
	}
	return w.done(false), nil
}

// mergedToParams checks the parameters as APIv4's ValidateFieldsSubscriber
// does, in declaration order: contactId is required (0 counts as given)
// and an int; isTest, when not null, a bool.
func mergedToParams(p *params) (int64, error) {
	var id int64
	switch v := p.contactID.(type) {
	case nil:
		return 0, apiErr(`Parameter "contactId" is required.`)
	case bool:
		if !v {
			return 0, apiErr(`Parameter "contactId" is required.`)
		}
		return 0, apiErr(`Parameter "contactId" is not of the correct type. Expecting int.`)
	case string:
		if v == "" {
			return 0, apiErr(`Parameter "contactId" is required.`)
		}
		if !intLike.MatchString(v) {
			return 0, apiErr(`Parameter "contactId" is not of the correct type. Expecting int.`)
		}
		id, _ = strconv.ParseInt(v, 10, 64)
	case json.Number:
		n, err := v.Int64()
		if err != nil {
			return 0, apiErr(`Parameter "contactId" is not of the correct type. Expecting int.`)
		}
		id = n
	case []any, map[string]any:
		// PHP decodes both to an array; an empty one is falsy.
		if l, m := asList(v), asMap(v); len(l) == 0 && len(m) == 0 {
			return 0, apiErr(`Parameter "contactId" is required.`)
		}
		return 0, apiErr(`Parameter "contactId" is not of the correct type. Expecting int.`)
	}
	if _, ok := p.isTest.(bool); p.isTest != nil && !ok {
		return 0, apiErr(`Parameter "isTest" is not of the correct type. Expecting bool.`)
	}
	return id, nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
