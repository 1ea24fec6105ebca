package civicrm

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// scanner is a small JSON reader for the one hot path, member pages: it
// decodes straight into reused structs without maps, reflection or copies
// of unescaped strings. Everything else uses encoding/json.
type scanner struct {
	b   []byte
	pos int
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("malformed JSON at byte %d: %s", s.pos, fmt.Sprintf(format, args...))
}

func (s *scanner) ws() {
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos >= len(s.b) {
		return 0
	}
	return s.b[s.pos]
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		if s.pos >= len(s.b) {
			return s.errorf("unexpected end, expected %q (the answer was cut short)", c)
		}
		return s.errorf("expected %q, found %q", c, s.b[s.pos])
	}
	s.pos++
	return nil
}

// more reports whether a container continues after a value: it consumes a
// comma and returns true, or consumes the closing byte and returns false.
func (s *scanner) more(closing byte) (bool, error) {
	switch s.peek() {
	case ',':
		s.pos++
		return true, nil
	case closing:
		s.pos++
		return false, nil
	case 0:
		return false, s.errorf("unexpected end (the answer was cut short)")
	default:
		return false, s.errorf("expected ',' or %q, found %q", closing, s.b[s.pos])
	}
}

// rawString reads a string and returns its bytes between the quotes and
// whether they contain escapes.
func (s *scanner) rawString() ([]byte, bool, error) {
	if err := s.expect('"'); err != nil {
		return nil, false, err
	}
	start, escaped := s.pos, false
	for s.pos < len(s.b) {
		switch c := s.b[s.pos]; {
		case c == '"':
			s.pos++
			return s.b[start : s.pos-1], escaped, nil
		case c == '\\':
			escaped = true
			s.pos += 2
		case c < 0x20:
			return nil, false, s.errorf("control character in string")
		default:
			s.pos++
		}
	}
	return nil, false, s.errorf("unterminated string (the answer was cut short)")
}

// str reads a string or null ("").
func (s *scanner) str() (string, error) {
	if s.null() {
		return "", nil
	}
	start := s.pos
	raw, escaped, err := s.rawString()
	if err != nil {
		return "", err
	}
	if !escaped {
		return string(raw), nil
	}
	var out string
	if err := json.Unmarshal(s.b[start:s.pos], &out); err != nil {
		return "", s.errorf("bad string escape: %v", err)
	}
	return out, nil
}

// null consumes a null literal if one is next.
func (s *scanner) null() bool {
	if s.peek() == 'n' && s.pos+4 <= len(s.b) && string(s.b[s.pos:s.pos+4]) == "null" {
		s.pos += 4
		return true
	}
	return false
}

// int reads an integer, a quoted integer (CiviCRM sends some ids as
// strings) or null (0).
func (s *scanner) int() (int64, error) {
	if s.null() {
		return 0, nil
	}
	if s.peek() == '"' {
		raw, _, err := s.rawString()
		if err != nil {
			return 0, err
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return 0, s.errorf("expected a number, found %q", raw)
		}
		return n, nil
	}
	start := s.pos
	var n int64
	neg := false
	if s.pos < len(s.b) && s.b[s.pos] == '-' {
		neg = true
		s.pos++
	}
	digits := 0
	for s.pos < len(s.b) && s.b[s.pos] >= '0' && s.b[s.pos] <= '9' {
		if n > (1<<63-1)/10 {
			return 0, s.errorf("number too large")
		}
		n = n*10 + int64(s.b[s.pos]-'0')
		s.pos++
		digits++
	}
	if digits == 0 {
		s.pos = start
		return 0, s.errorf("expected a number")
	}
	if s.pos < len(s.b) && (s.b[s.pos] == '.' || s.b[s.pos] == 'e' || s.b[s.pos] == 'E') {
		return 0, s.errorf("expected an integer")
	}
	if neg {
		n = -n
	}
	return n, nil
}

// skip reads over any value.
func (s *scanner) skip() error {
	switch c := s.peek(); {
	case c == '"':
		_, _, err := s.rawString()
		return err
	case c == '{' || c == '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		s.pos++
		if s.peek() == closing {
			s.pos++
			return nil
		}
		for {
			if c == '{' {
				if _, _, err := s.rawString(); err != nil {
					return err
				}
				if err := s.expect(':'); err != nil {
					return err
				}
			}
			if err := s.skip(); err != nil {
				return err
			}
			more, err := s.more(closing)
			if err != nil || !more {
				return err
			}
		}
	case c == 0:
		return s.errorf("unexpected end (the answer was cut short)")
	default:
		// number, true, false, null
		start := s.pos
		for s.pos < len(s.b) {
			switch s.b[s.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if s.pos == start {
					return s.errorf("unexpected %q", s.b[s.pos])
				}
				return nil
			}
			s.pos++
		}
		return s.errorf("unexpected end (the answer was cut short)")
	}
}
