package election

// This file is the one place the domain imports something beyond the standard
// library: go.yaml.in/yaml/v3. It is a pure decoding library (bytes in, a node tree
// out, no I/O, no global state we rely on), and its node tree is what gives every
// problem in a committee's file a line and column. Writing a YAML parser again would
// be worse on every count.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a definition file, located in it.
type Problem struct {
	File         string
	Line, Column int
	// Message names the field by its path, e.g. "positions[3].seats must be at
	// least 1, got 0".
	Message string
}

// String formats the problem the way compilers do, file:line:column: message, so
// editors can jump to it.
func (p Problem) String() string {
	switch {
	case p.Line == 0:
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	case p.Column == 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Message)
}

// DefinitionError lists every problem found in a definition file, in file order, so
// the committee fixes them in one pass. It is of kind ErrInvalid.
type DefinitionError struct {
	Problems []Problem
}

// Error gives one problem per line.
func (e *DefinitionError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes a DefinitionError match ErrInvalid.
func (e *DefinitionError) Unwrap() error { return ErrInvalid }

// decoder walks the YAML node tree, collecting problems instead of stopping at the
// first, and remembers where each field was so later cross-field checks can point at
// the right line.
type decoder struct {
	file     string
	problems []Problem
	at       map[string]*yaml.Node
}

func (d *decoder) problem(n *yaml.Node, format string, args ...any) {
	p := Problem{File: d.file, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	d.problems = append(d.problems, p)
}

// problemAt reports at the node recorded for path or, for a missing field, at the
// nearest enclosing field that is there.
func (d *decoder) problemAt(path, format string, args ...any) {
	for {
		if n := d.at[path]; n != nil || path == "" {
			d.problem(n, format, args...)
			return
		}
		path = parent(path)
	}
}

// parent strips the last ".field" or "[index]" from a path.
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

func (d *decoder) err() error {
	if len(d.problems) == 0 {
		return nil
	}
	slices.SortStableFunc(d.problems, func(a, b Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	return &DefinitionError{Problems: d.problems}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// root reads the single document in data and returns its top node, or nil after
// recording why it could not.
func (d *decoder) root(r io.Reader) *yaml.Node {
	data, err := io.ReadAll(r)
	if err != nil {
		d.problem(nil, "cannot read the file: %v", err)
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.problem(nil, "the file is empty; it should define an election (see DESIGN.md, \"Election definition\")")
			return nil
		}
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			d.problems = append(d.problems, Problem{File: d.file, Line: line,
				Message: "this is not valid YAML: " + m[2] + " (check indentation, colons and quotes)"})
			return nil
		}
		d.problem(nil, "this is not valid YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.problem(&extra, "the file holds more than one YAML document (a second \"---\"); put one election per file")
	}
	if len(doc.Content) == 0 {
		d.problem(nil, "the file is empty; it should define an election")
		return nil
	}
	return doc.Content[0]
}

// deref follows aliases, so a committee may use YAML anchors for repeated text.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// mapping returns the fields of a mapping node by name, reporting a node that is not
// a mapping, duplicate keys and keys outside known (the strictness DESIGN.md asks for:
// a misspelt field must not be silently ignored).
func (d *decoder) mapping(n *yaml.Node, path string, known []string) map[string]*yaml.Node {
	n = deref(n)
	fields := map[string]*yaml.Node{}
	if n != nil {
		d.at[path] = n
	}
	if n == nil || n.Kind != yaml.MappingNode {
		d.problem(n, "%s must be a mapping of fields (name: value), one per line", orTop(path))
		return fields
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		switch {
		case !slices.Contains(known, name):
			d.problem(k, "%s is not a known field%s; known fields are: %s",
				join(path, name), suggest(name, known), strings.Join(known, ", "))
		case fields[name] != nil:
			d.problem(k, "%s is given twice (first at line %d); keep one", join(path, name), fields[name].Line)
		default:
			fields[name] = v
			d.at[join(path, name)] = v
		}
	}
	return fields
}

func orTop(path string) string {
	if path == "" {
		return "the file"
	}
	return path
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// suggest offers the known field closest to a misspelt one.
func suggest(name string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if dist := editDistance(name, k); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// scalar returns a scalar's text; ok is false (and a problem recorded) when the node
// is missing, null or not a scalar.
func (d *decoder) scalar(n *yaml.Node, path, what string, required bool) (string, bool) {
	n = deref(n)
	if n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null") {
		if required {
			d.problemAt(path, "%s is missing; give %s", path, what)
		}
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		d.problem(n, "%s must be %s, not a list or mapping", path, what)
		return "", false
	}
	return n.Value, true
}

func (d *decoder) text(n *yaml.Node, path, what string, required bool) string {
	s, _ := d.scalar(n, path, what, required)
	s = strings.TrimSpace(s)
	if required && s == "" && n != nil && deref(n).Kind == yaml.ScalarNode && deref(n).ShortTag() != "!!null" {
		d.problem(n, "%s is empty; give %s", path, what)
	}
	return s
}

func (d *decoder) integer(n *yaml.Node, path string) (int, bool) {
	s, ok := d.scalar(n, path, "a whole number", true)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || deref(n).ShortTag() != "!!int" {
		d.problem(n, "%s must be a whole number, got %q", path, s)
		return 0, false
	}
	return v, true
}

// boolean reads true or false; a missing field is false. YAML 1.1's yes/no/on/off are
// refused because yaml.v3 reads them as strings and a committee would be surprised.
func (d *decoder) boolean(n *yaml.Node, path string) bool {
	s, ok := d.scalar(n, path, "true or false", false)
	if !ok {
		return false
	}
	if deref(n).ShortTag() != "!!bool" {
		d.problem(n, "%s must be true or false, got %q", path, s)
		return false
	}
	v, _ := strconv.ParseBool(strings.ToLower(s))
	return v
}

// sequence returns the items of a list; a missing or null field is an empty list.
func (d *decoder) sequence(n *yaml.Node, path, what string) []*yaml.Node {
	n = deref(n)
	if n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null") {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.problem(n, "%s must be a list of %s, one per line starting with \"- \"", path, what)
		return nil
	}
	return n.Content
}
