package election

import (
	"fmt"
	"time"
)

// FormatTime writes an instant as members read it, in the election's zone with the
// zone's abbreviation so nobody has to guess which hour is meant:
// "Wednesday 1 February 2023, 00:01 GMT". A zone without a letter abbreviation shows
// its offset, e.g. "+03".
func FormatTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Monday 2 January 2006, 15:04 MST")
}

// FormatTime writes t in the election's zone; see the package-level FormatTime.
func (d *Definition) FormatTime(t time.Time) string {
	return FormatTime(t, d.Location)
}

// FormatDate writes a day as members read it: "Wednesday 1 March 2023".
func FormatDate(d Date) string {
	return d.In(time.UTC).Format("Monday 2 January 2006")
}

// FormatWindow writes a window as one phrase: "from Wednesday 1 February 2023, 00:01
// GMT to Tuesday 28 February 2023, 23:59 GMT".
func FormatWindow(w Window, loc *time.Location) string {
	return fmt.Sprintf("from %s to %s", FormatTime(w.Opens, loc), FormatTime(w.Closes, loc))
}

// FormatUTC writes an instant in UTC, for the committee's views that show both.
func FormatUTC(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04 UTC")
}
