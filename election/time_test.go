package election

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseLocal(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	vancouver, _ := time.LoadLocation("America/Vancouver")
	cases := []struct {
		in   string
		loc  *time.Location
		want string   // RFC 3339 UTC, when valid
		errs []string // substrings, when invalid
	}{
		{"2023-02-01T00:01", london, "2023-02-01T00:01:00Z", nil},
		{"2023-07-01T12:00", london, "2023-07-01T11:00:00Z", nil},
		{"2024-03-10T01:59", vancouver, "2024-03-10T09:59:00Z", nil},
		{"2024-03-10T03:00", vancouver, "2024-03-10T10:00:00Z", nil},
		{"2024-03-10T02:30", vancouver, "", []string{"does not exist in America/Vancouver", "clocks go forward", "such as 03:30"}},
		{"2024-11-03T01:30", vancouver, "", []string{"happens twice in America/Vancouver", "01:30 PDT (08:30 UTC)", "01:30 PST (09:30 UTC)", "such as 02:30"}},
		{"2024-11-03T00:59", vancouver, "2024-11-03T07:59:00Z", nil},
		{"2024-11-03T02:00", vancouver, "2024-11-03T10:00:00Z", nil},
		{"2023-02-01 00:01", london, "", []string{"YYYY-MM-DDTHH:MM"}},
		{"2023-02-01T24:00", london, "", []string{"YYYY-MM-DDTHH:MM"}},
		{"2023-02-01T00:01:30", london, "", []string{"YYYY-MM-DDTHH:MM"}},
	}
	for _, c := range cases {
		got, err := ParseLocal(c.in, c.loc)
		if c.errs == nil {
			if err != nil || got.UTC().Format(time.RFC3339) != c.want {
				t.Errorf("ParseLocal(%s, %s) = %v, %v; want %s", c.in, c.loc, got.UTC(), err, c.want)
			}
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseLocal(%s) err = %v, want ErrInvalid", c.in, err)
			continue
		}
		for _, w := range c.errs {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ParseLocal(%s) error lacks %q: %v", c.in, w, err)
			}
		}
	}
}

func TestFormatTime(t *testing.T) {
	wise := mustFixture(t, "wise-ra-2023.yaml")
	wsn := mustFixture(t, "wsn-board-2024.yaml")
	cases := []struct {
		got, want string
	}{
		{wise.FormatTime(wise.Voting.Opens), "Wednesday 1 February 2023, 00:01 GMT"},
		{wise.FormatTime(wise.Voting.Closes), "Tuesday 28 February 2023, 23:59 GMT"},
		{FormatTime(utc(t, "2023-07-01T11:00:00Z"), wise.Location), "Saturday 1 July 2023, 12:00 BST"},
		{wsn.FormatTime(wsn.Voting.Opens), "Monday 4 March 2024, 09:00 PST"},
		{wsn.FormatTime(wsn.Voting.Closes), "Friday 15 March 2024, 17:00 PDT"},
		{FormatDate(wise.TenureStarts), "Wednesday 1 March 2023"},
		{FormatWindow(wise.Voting, wise.Location), "from Wednesday 1 February 2023, 00:01 GMT to Tuesday 28 February 2023, 23:59 GMT"},
		{FormatUTC(wsn.Voting.Closes), "2024-03-16 00:00 UTC"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestTenureEnd(t *testing.T) {
	cases := []struct {
		start  Date
		months int
		want   Date
	}{
		{Date{2023, time.March, 1}, 24, Date{2025, time.February, 28}},
		{Date{2023, time.March, 1}, 12, Date{2024, time.February, 29}}, // leap year
		{Date{2024, time.April, 1}, 24, Date{2026, time.March, 31}},
		{Date{2024, time.January, 1}, 12, Date{2024, time.December, 31}},
		{Date{2024, time.February, 29}, 12, Date{2025, time.February, 27}},
		{Date{2024, time.January, 31}, 1, Date{2024, time.February, 28}},
		{Date{2023, time.January, 31}, 1, Date{2023, time.February, 27}},
		{Date{2023, time.August, 31}, 1, Date{2023, time.September, 29}},
		{Date{2023, time.December, 15}, 1, Date{2024, time.January, 14}},
	}
	for _, c := range cases {
		if got := TenureEnd(c.start, c.months); got != c.want {
			t.Errorf("TenureEnd(%s, %d) = %s, want %s", c.start, c.months, got, c.want)
		}
	}
	p := Position{TenureMonths: 24}
	if got := p.TenureEnd(Date{2023, time.March, 1}); got.String() != "2025-02-28" {
		t.Errorf("Position.TenureEnd = %s", got)
	}
}

func TestParseDate(t *testing.T) {
	if d, err := ParseDate("2024-02-29"); err != nil || d != (Date{2024, time.February, 29}) {
		t.Errorf("ParseDate(2024-02-29) = %v, %v", d, err)
	}
	for _, bad := range []string{"2023-02-29", "2023-3-1", "1 March 2023", ""} {
		if _, err := ParseDate(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseDate(%q) err = %v, want ErrInvalid", bad, err)
		}
	}
}
