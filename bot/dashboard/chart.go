package dashboard

import (
	"fmt"
	"math"
	"strconv"

	"github.com/agreementbot/agreementbot/bot"
)

// The chart's geometry, in the SVG's own units: the plot's height and
// width, and the margins left for the axis labels.
const (
	chartWidth  = 720.0
	chartHeight = 140.0
	chartLeft   = 36.0
	chartBottom = 22.0
	chartTop    = 8.0
)

// outcomes are the outcomes a chart stacks, bottom first: a catalogue
// key's suffix (overview.<name>) and the CSS class of its colour.
var outcomes = []string{"answered", "tentative", "declined", "refused"}

// counts returns c's counts in the order of outcomes.
func counts(c bot.OutcomeCounts) []int {
	return []int{c.Answered, c.Tentative, c.Declined, c.Refused}
}

// chart is a stacked bar chart of questions per period by outcome, drawn
// as inline SVG by the template "chart", with the same numbers in a
// table beside it.
type chart struct {
	ID               string // prefix of the element ids
	Title, Desc      string // the SVG's <title> and <desc>
	Width, Height    float64
	PlotLeft, Bottom float64 // where the plot's left edge and baseline are
	Bars             []bar
	Ticks            []tick
	Rows             []chartRow
	Series           []series // the outcomes, bottom first
}

// series is one outcome of a chart: its CSS class and catalogue key.
type series struct{ Class, Key string }

// bar is one period's bar: its segments, bottom first, and a label under
// it for some periods.
type bar struct {
	X, W           float64
	Label          string // shown under the bar; "" for none
	LabelX, LabelY float64
	Title          string // the bar's tooltip: its period and numbers
	Segs           []segment
}

// segment is one outcome's part of a bar.
type segment struct {
	Class string
	Y, H  float64
}

// tick is a line and label of the vertical axis.
type tick struct {
	Y, LabelX, LabelY float64
	Label             string
}

// chartRow is one period's numbers, for the table.
type chartRow struct {
	Period string
	Counts []int
	Total  int
}

// newChart draws periods as stacked bars: label names a period for the
// table and tooltip, short for under its bar (every labelEvery-th bar),
// total words a bar's tooltip.
func newChart(id, title, desc string, periods []bot.OutcomeCounts, label, short func(bot.OutcomeCounts) string,
	labelEvery int, total func(period string, n []int) string) *chart {
	c := &chart{ID: id, Title: title, Desc: desc, Width: chartLeft + chartWidth + 4, Height: chartTop + chartHeight + chartBottom,
		PlotLeft: chartLeft, Bottom: chartTop + chartHeight}
	for _, o := range outcomes {
		c.Series = append(c.Series, series{Class: o, Key: "overview." + o})
	}
	most := 0
	for _, p := range periods {
		most = max(most, sum(counts(p)))
	}
	top := niceCeiling(most)
	scale := chartHeight / float64(top)
	for _, v := range []int{0, top / 2, top} {
		if v == top/2 && top%2 != 0 {
			continue
		}
		y := round(c.Bottom - float64(v)*scale)
		c.Ticks = append(c.Ticks, tick{Y: y, LabelX: chartLeft - 6, LabelY: y + 4, Label: strconv.Itoa(v)})
	}
	step := chartWidth / float64(max(1, len(periods)))
	for i, p := range periods {
		n := counts(p)
		b := bar{X: round(chartLeft + float64(i)*step + step*0.1), W: round(step * 0.8), LabelX: round(chartLeft + (float64(i)+0.5)*step),
			LabelY: c.Bottom + 16}
		if labelEvery > 0 && i%labelEvery == 0 {
			b.Label = short(p)
		}
		b.Title = total(label(p), n)
		y := c.Bottom
		for j, v := range n {
			if v == 0 {
				continue
			}
			h := float64(v) * scale
			y -= h
			b.Segs = append(b.Segs, segment{Class: outcomes[j], Y: round(y), H: round(h)})
		}
		c.Bars = append(c.Bars, b)
		c.Rows = append(c.Rows, chartRow{Period: label(p), Counts: n, Total: sum(n)})
	}
	return c
}

// niceCeiling is the top of the vertical axis for a largest value of
// most: at least 2, even up to 10, then a round number (1, 2, 3, 4, 5,
// 6 or 8 times a power of ten) so that the middle tick is one too.
func niceCeiling(most int) int {
	if most <= 2 {
		return 2
	}
	if most <= 10 {
		return most + most%2
	}
	for p := 10; p <= math.MaxInt/80; p *= 10 {
		for _, m := range []int{1, 2, 3, 4, 5, 6, 8} {
			if m*p >= most {
				return m * p
			}
		}
	}
	return most // beyond any round number an int holds: the value itself
}

// sum adds up n.
func sum(n []int) int {
	t := 0
	for _, v := range n {
		t += v
	}
	return t
}

// round keeps two decimals: enough for SVG coordinates.
func round(v float64) float64 {
	f, _ := strconv.ParseFloat(fmt.Sprintf("%.2f", v), 64)
	return f
}
