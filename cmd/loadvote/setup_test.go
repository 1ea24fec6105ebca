package main

import (
	"os"
	"testing"
	"time"
)

func TestShiftFixturePutsNowInsideVoting(t *testing.T) {
	src, err := os.ReadFile("../../web/testdata/wise-ra-2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{
		time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC),
		time.Date(2027, 3, 28, 0, 30, 0, 0, time.UTC), // the night London moves to summer time
		time.Date(2027, 7, 1, 23, 59, 0, 0, time.UTC),
	} {
		def, shifted, err := shiftFixture(src, "load-x", now)
		if err != nil {
			t.Fatalf("%v: %v", now, err)
		}
		if def.Slug != "load-x" || !def.Voting.Contains(now) || !def.Nominations.Closes.Before(now) {
			t.Errorf("%v: slug %s, voting %v–%v, nominations close %v", now, def.Slug, def.Voting.Opens, def.Voting.Closes, def.Nominations.Closes)
		}
		if len(shifted) == 0 {
			t.Error("no source")
		}
	}
}
