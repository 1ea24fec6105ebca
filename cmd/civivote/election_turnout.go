package main

import (
	"fmt"
	"io"

	"github.com/civivote/civivote/election"
)

// writeTurnout adds to `election show` the roll's size and, once anyone has voted, the
// turnout overall and by local hour: numbers only, never who.
func writeTurnout(w io.Writer, d *election.Definition, t *election.Turnout) {
	fmt.Fprintf(w, "\nRoll and turnout:\n  %d members with a live link, %d voted (%.1f%%)\n", t.Eligible, t.Voted, 100*t.Share())
	if len(t.ByHour) == 0 {
		return
	}
	fmt.Fprintf(w, "  votes by hour (%s):\n", d.Timezone)
	for _, h := range t.ByHour {
		fmt.Fprintf(w, "    %s  %d\n", h.Start.In(d.Location).Format("2006-01-02 15:04 MST"), h.Voted)
	}
}
