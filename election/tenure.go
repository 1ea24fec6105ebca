package election

import (
	"fmt"
	"time"
)

// Date is a calendar day with no time or zone, as tenure dates are: "from 1 March
// 2023" means that day wherever the officer is.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads a date written YYYY-MM-DD, rejecting days that do not exist.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, Errorf(ErrInvalid, "%q is not a date written YYYY-MM-DD (for example 2023-03-01)", s)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String writes the date as YYYY-MM-DD, the form CiviCRM and the YAML use.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// In returns midnight at the start of d in loc. Midnight can fall in a daylight-saving
// gap in a few zones; time.Date then moves it forward, which is still that day.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool {
	return d.In(time.UTC).Before(e.In(time.UTC))
}

// AddDays returns the day n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(d.In(time.UTC).AddDate(0, 0, n))
}

// AddMonths returns the same day of the month n months later. When that month is too
// short (31 January plus one month), it gives the month's last day (28 or 29
// February) rather than spilling into the next month as time.AddDate would.
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return Date{first.Year(), first.Month(), min(d.Day, last)}
}

// TenureEnd returns the last day in office of someone who starts on start for months
// months: the day before the same date months later, so 2023-03-01 for 24 months ends
// on 2025-02-28, and a leap year's extra day is simply part of the term. A start on
// the 29th-31st whose anniversary month is shorter ends the day before that month's
// last day (2024-01-31 for 1 month ends 2024-02-28).
func TenureEnd(start Date, months int) Date {
	return start.AddMonths(months).AddDays(-1)
}

// TenureEnd returns the last day in office for p when the term starts on start.
func (p Position) TenureEnd(start Date) Date {
	return TenureEnd(start, p.TenureMonths)
}
