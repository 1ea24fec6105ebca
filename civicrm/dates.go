package civicrm

import (
	"fmt"
	"time"
)

// DateLayout is how APIv4 get answers and expects dates.
const DateLayout = "2006-01-02"

// parseDate reads a date as CiviCRM sends it: "YYYY-MM-DD" from get,
// "YYYYMMDD" from Relationship.save, "YYYY-MM-DD hh:mm:ss" from some
// fields, and null, "" or "NULL" (the string, from save) for no date, which
// is the zero time. Dates are midnight UTC: CiviCRM dates carry no zone.
func parseDate[S ~string | ~[]byte](s S) (time.Time, error) {
	switch len(s) {
	case 0:
		return time.Time{}, nil
	case 4:
		if string(s) == "NULL" {
			return time.Time{}, nil
		}
	case 8:
		if y, ok := digits(s[0:4]); ok {
			if m, ok := digits(s[4:6]); ok {
				if d, ok := digits(s[6:8]); ok {
					return civilDate(s, y, m, d)
				}
			}
		}
	case 10, 19:
		if s[4] == '-' && s[7] == '-' {
			if y, ok := digits(s[0:4]); ok {
				if m, ok := digits(s[5:7]); ok {
					if d, ok := digits(s[8:10]); ok {
						return civilDate(s, y, m, d)
					}
				}
			}
		}
	}
	return time.Time{}, fmt.Errorf("unreadable date %q", string(s))
}

func civilDate[S ~string | ~[]byte](s S, y, m, d int) (time.Time, error) {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, fmt.Errorf("impossible date %q", string(s))
	}
	return t, nil
}

func digits[S ~string | ~[]byte](s S) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// formatDate renders t for APIv4, or nil (JSON null) for the zero time.
func formatDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(DateLayout)
}
