package election

import (
	"fmt"
	"time"
)

// localLayout is how the definition writes times: wall-clock minutes in the
// election's zone, with no offset, because that is how a committee thinks of them.
const localLayout = "2006-01-02T15:04"

// ParseLocal converts a wall-clock time written YYYY-MM-DDTHH:MM in loc to an
// instant. A time the clocks skip (spring forward) or pass twice (fall back) has no
// single meaning, so it is an error that says so and suggests a time that works,
// rather than a guess that might close a ballot an hour early.
func ParseLocal(s string, loc *time.Location) (time.Time, error) {
	wall, err := time.Parse(localLayout, s)
	if err != nil {
		return time.Time{}, Errorf(ErrInvalid,
			"%q is not a local time written YYYY-MM-DDTHH:MM (for example 2023-02-01T00:01)", s)
	}
	valid := instantsAt(wall, loc)
	switch len(valid) {
	case 1:
		return valid[0], nil
	case 0:
		return time.Time{}, Errorf(ErrInvalid,
			"%s does not exist in %s: the clocks go forward that night and skip it; "+
				"use a time outside the skipped hour, such as %s",
			s, loc, afterGap(wall, loc).Format("15:04"))
	default:
		return time.Time{}, Errorf(ErrInvalid,
			"%s happens twice in %s: the clocks go back that night, so it is first %s and an hour later %s; "+
				"use a time outside the repeated hour, such as %s",
			s, loc, describe(valid[0]), describe(valid[1]),
			valid[len(valid)-1].Add(time.Hour).In(loc).Format("15:04"))
	}
}

// afterGap returns the wall time just past a gap that wall falls into: reading wall
// with the offset in force before the gap lands the same distance after it.
func afterGap(wall time.Time, loc *time.Location) time.Time {
	_, before := wall.Add(-24 * time.Hour).In(loc).Zone()
	return wall.Add(-time.Duration(before) * time.Second).In(loc)
}

func describe(t time.Time) string {
	return fmt.Sprintf("%s (%s UTC)", t.Format("15:04 MST"), t.UTC().Format("15:04"))
}

// instantsAt returns every instant, earliest first, whose wall clock in loc reads
// wall (taken as UTC fields). Offsets change at most a few times a year, so the
// offsets in force a day either side cover every reading.
func instantsAt(wall time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	seen := map[int]bool{}
	for _, probe := range []time.Duration{-24 * time.Hour, 0, 24 * time.Hour} {
		_, offset := wall.Add(probe).In(loc).Zone()
		if seen[offset] {
			continue
		}
		seen[offset] = true
		t := wall.Add(-time.Duration(offset) * time.Second).In(loc)
		if sameWall(t, wall) {
			out = append(out, t)
		}
	}
	if len(out) == 2 && out[1].Before(out[0]) {
		out[0], out[1] = out[1], out[0]
	}
	return out
}

func sameWall(t, wall time.Time) bool {
	y1, m1, d1 := t.Date()
	y2, m2, d2 := wall.Date()
	return y1 == y2 && m1 == m2 && d1 == d2 && t.Hour() == wall.Hour() && t.Minute() == wall.Minute()
}
