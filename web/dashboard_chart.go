package web

import (
	"fmt"
	"strconv"
)

// barChart is a small server-rendered SVG bar chart. The page always shows the same
// figures in a table, so the chart is a picture of the table, never its only copy, and
// it needs no colour to read: bars are dark on white and labelled with their values.
type barChart struct {
	Title       string // the chart's accessible name
	Width       int
	Height      int
	Bars        []chartBar
	Max         string // the value at the top of the axis
	BaselineY   int
	AxisX       int
	LabelEvery  int
	ShowValues  bool
	Description string
}

type chartBar struct {
	X, Y, W, H  float64
	Label       string // under the bar, for every LabelEvery-th bar
	Value       string
	LabelX      float64
	ValueY      float64
	ShowLabel   bool
	Description string // the bar's <title>: label and value
}

// newBarChart lays out values (with their labels) in a chart of about width by height
// user units, scaled from zero to the largest value.
func newBarChart(title string, labels []string, values []int, valueWord string) barChart {
	const (
		width, height = 640, 240
		left, right   = 48, 8
		top, bottom   = 20, 40
	)
	c := barChart{Title: title, Width: width, Height: height, BaselineY: height - bottom, AxisX: left}
	peak := 0
	for _, v := range values {
		peak = max(peak, v)
	}
	c.Max = strconv.Itoa(peak)
	if len(values) == 0 {
		return c
	}
	plotW, plotH := float64(width-left-right), float64(height-top-bottom)
	slot := plotW / float64(len(values))
	c.LabelEvery = max(1, len(values)/8)
	c.ShowValues = len(values) <= 24
	for i, v := range values {
		h := 0.0
		if peak > 0 {
			h = plotH * float64(v) / float64(peak)
		}
		x := float64(left) + slot*float64(i) + slot*0.15
		b := chartBar{X: x, Y: float64(height-bottom) - h, W: slot * 0.7, H: h, Label: labels[i],
			Value: strconv.Itoa(v), LabelX: x + slot*0.35, ValueY: float64(height-bottom) - h - 4,
			ShowLabel: i%c.LabelEvery == 0, Description: fmt.Sprintf("%s: %d %s", labels[i], v, valueWord)}
		c.Bars = append(c.Bars, b)
	}
	return c
}
