package election

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxStatementBytes bounds a statement whatever its word count, so one enormous
// "word" cannot bloat pages and the database.
const maxStatementBytes = 32 << 10

// NormalizeStatement checks a candidate statement and returns it as it will be
// stored and shown: plain text with "\n" line ends, no trailing spaces on lines, at
// most one blank line between paragraphs, and no leading or trailing blank space.
// It refuses an empty statement, one over maxWords words (see CountWords), invalid
// UTF-8 and control characters other than newline and tab, which are invisible
// on the page and can disguise what a statement says. The error is a *FormError on
// field "statement" whose message tells the candidate what to change.
func NormalizeStatement(s string, maxWords int) (string, error) {
	var problems formProblems
	if !utf8.ValidString(s) {
		problems.add("statement", "Your statement contains characters that are not valid text. Retype it or paste it as plain text.")
		return "", problems.err()
	}
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n\n").Replace(s)
	s = strings.TrimPrefix(s, "\uFEFF")
	for _, r := range s {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			problems.add("statement", "Your statement contains an invisible control character (%U). "+
				"Paste it as plain text, or retype the part that was copied.", r)
			return "", problems.err()
		}
	}
	lines := strings.Split(s, "\n")
	var out []string
	blank := false
	for _, line := range lines {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if line == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, line)
	}
	s = strings.Join(out, "\n")
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	switch n := CountWords(s); {
	case n == 0:
		problems.add("statement", "Write a statement: members read it before they vote.")
	case n > maxWords:
		problems.add("statement", "Your statement has %d words; the limit is %d. Shorten it by %d %s.",
			n, maxWords, n-maxWords, plural(n-maxWords, "word", "words"))
	case len(s) > maxStatementBytes:
		problems.add("statement", "Your statement is too long to store (%d characters). Shorten it.", utf8.RuneCountInString(s))
	}
	if err := problems.err(); err != nil {
		return "", err
	}
	return s, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Paragraphs splits a stored statement into paragraphs for rendering as <p>
// elements; single newlines inside a paragraph are kept for the page to show as
// line breaks.
func Paragraphs(statement string) []string {
	if statement == "" {
		return nil
	}
	return strings.Split(statement, "\n\n")
}

// formProblems collects field problems and turns them into a *FormError at the end.
type formProblems []FieldError

func (f *formProblems) add(field, format string, args ...any) {
	*f = append(*f, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (f formProblems) err() error {
	if len(f) == 0 {
		return nil
	}
	return &FormError{Problems: f}
}
