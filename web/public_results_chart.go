package web

import "strconv"

// resultsChart is a horizontal bar chart drawn by the template as inline SVG: per choice a
// text label above its bar and the number of votes written after the bar, so the chart
// reads without colour; elected choices also say so in their label. The SVG has no
// viewBox: it is as wide as its container and bar lengths are percentages, so text
// keeps its size on a phone instead of shrinking with the drawing.
type resultsChart struct {
	Height int
	Bars   []resultsBar
}

// resultsBar is one choice's row of the chart.
type resultsBar struct {
	Label   string
	Full    string // the whole name when Label is shortened
	Elected bool
	Votes   string
	LabelY  int
	BarY    int
	ValueY  int
	// Width is the bar's length in percent of the chart's width; the longest bar takes
	// maxBarPercent, leaving room for its number.
	Width string
}

const (
	rowHeight     = 56
	barHeight     = 22
	maxBarPercent = 80
	// maxLabelRunes keeps a label on one line at 320px; the table has every name whole.
	maxLabelRunes = 34
)

func newResultsChart(rows []resultRow) resultsChart {
	most := 0
	for _, r := range rows {
		most = max(most, r.Votes)
	}
	c := resultsChart{Height: len(rows)*rowHeight + 4}
	for i, r := range rows {
		y := i * rowHeight
		b := resultsBar{Label: r.Name, Elected: r.Elected, Votes: thousands(r.Votes),
			LabelY: y + 18, BarY: y + 26, ValueY: y + 26 + barHeight - 5, Width: "0"}
		if runes := []rune(r.Name); len(runes) > maxLabelRunes {
			b.Label, b.Full = string(runes[:maxLabelRunes-1])+"…", r.Name
		}
		if most > 0 {
			// Tenths of a percent, so equal votes draw equal bars.
			tenths := r.Votes * maxBarPercent * 10 / most
			b.Width = strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10)
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}
