package civicrmtest

import (
	"strconv"
	"unicode/utf8"
)

// kind is the JSON type a field value is rendered as.
type kind uint8

const (
	kNull kind = iota
	kInt
	kStr
	kBool
	kRaw // s holds a JSON fragment, e.g. ["2"]
)

// val is one field value. It is passed by value and never boxed, so the
// hot paging path does not allocate for it.
type val struct {
	k kind
	i int64
	s string
}

func vInt(i int64) val  { return val{k: kInt, i: i} }
func vStr(s string) val { return val{k: kStr, s: s} }
func vRaw(s string) val { return val{k: kRaw, s: s} }
func vNull() val        { return val{} }
func vBool(b bool) val {
	if b {
		return val{k: kBool, i: 1}
	}
	return val{k: kBool}
}

// vOpt renders an empty string as NULL, as CiviCRM does for unset columns.
func vOpt(s string) val {
	if s == "" {
		return vNull()
	}
	return vStr(s)
}

// vID renders 0 as NULL for optional foreign keys.
func vID(i int64) val {
	if i == 0 {
		return vNull()
	}
	return vInt(i)
}

func appendVal(b []byte, v val) []byte {
	switch v.k {
	case kInt:
		return strconv.AppendInt(b, v.i, 10)
	case kStr:
		return appendString(b, v.s)
	case kBool:
		if v.i != 0 {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case kRaw:
		return append(b, v.s...)
	}
	return append(b, "null"...)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Slashes stay unescaped, as in
// CiviCRM's answers (https://… links appear verbatim).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, `\ufffd`...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			b = append(b, `\u00`...)
			b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
