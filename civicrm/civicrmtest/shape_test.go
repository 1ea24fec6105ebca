package civicrmtest_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// errorIDRE masks the random error id inside generic error messages.
var errorIDRE = regexp.MustCompile(`\(Error ID: [^)]*\)`)

// sameShape compares two JSON documents: the same keys at every level,
// the same value types, the same array lengths, and the same text for
// error_message. It returns the first difference.
func sameShape(want, got string) error {
	w, err := decode(want)
	if err != nil {
		return fmt.Errorf("recorded body is not JSON: %w", err)
	}
	g, err := decode(got)
	if err != nil {
		return fmt.Errorf("fake body is not JSON: %w\n%s", err, got)
	}
	return shape("$", w, g)
}

func decode(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func shape(path string, want, got any) error {
	if typeName(want) != typeName(got) {
		return fmt.Errorf("%s: recorded %s %v, fake %s %v", path, typeName(want), want, typeName(got), got)
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		if wk, gk := keys(w), keys(g); strings.Join(wk, ",") != strings.Join(gk, ",") {
			return fmt.Errorf("%s: recorded keys %v, fake keys %v", path, wk, gk)
		}
		for _, k := range keys(w) {
			if k == "error_message" && errorIDRE.ReplaceAllString(w[k].(string), "") != errorIDRE.ReplaceAllString(fmt.Sprint(g[k]), "") {
				return fmt.Errorf("%s.error_message: recorded %q, fake %q", path, w[k], g[k])
			}
			if err := shape(path+"."+k, w[k], g[k]); err != nil {
				return err
			}
		}
	case []any:
		g := got.([]any)
		if len(w) != len(g) {
			return fmt.Errorf("%s: recorded %d values, fake %d", path, len(w), len(g))
		}
		for i := range w {
			if err := shape(fmt.Sprintf("%s[%d]", path, i), w[i], g[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
