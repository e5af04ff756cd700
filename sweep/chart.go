//go:build linux || darwin || freebsd

// chart.go draws the picture a learner looks at: four panels (wall time, CPU
// time, peak memory, peak OS threads) against the number of concurrent
// requests, one line per approach. Where an approach broke down the point is
// marked in red and labelled, and the notes under the panels say why, so the
// chart shows on its own how far each approach carries before the system
// breaks down, and what it costs until then.

package main

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// ChartInfo is what the chart's title says about the sweep.
type ChartInfo struct {
	Delay     string
	Executors int
	Repeat    int
}

// panel is one of the chart's four plots.
type panel struct {
	title string
	unit  string
	value func(Point) float64
	// log puts the y axis on a log scale: memory and threads span two or
	// three orders of magnitude between the approaches, and on a linear axis
	// the small ones would lie flat on zero.
	log bool
	// ideal draws the delay as a dashed line: the wall time to beat.
	ideal bool
	// threads marks the panel whose figure some systems cannot measure.
	threads bool
}

var panels = []panel{
	{title: "Wall time", unit: "seconds", value: func(p Point) float64 { return p.WallMS / 1000 }, ideal: true},
	{title: "CPU time of the client (user + system)", unit: "seconds", value: func(p Point) float64 { return p.CPUMS / 1000 }},
	{title: "Peak resident memory of the client", unit: "MiB (log scale)", value: func(p Point) float64 { return p.PeakRSSKB / 1024 }, log: true},
	{title: "Peak OS threads of the client", unit: "threads (log scale)", value: func(p Point) float64 { return p.OSThreads }, log: true, threads: true},
}

// approachColors keeps one colour per approach in every panel.
var approachColors = map[string]color.RGBA{
	"stage06_production":  {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // blue
	"stage05_multithread": {R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, // purple
	"threads":             {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // orange
	"goroutines":          {R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // green
}

var brokenColor = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}

// Chart size: about 1340 × 1100 pixels at 96 dpi, with room at the bottom
// for the notes that say why points broke down.
const (
	chartWidth  = 14 * vg.Inch
	chartPanels = 10 * vg.Inch
	noteLine    = 0.2 * vg.Inch
	maxNotes    = 12
)

// WriteChart draws points into a PNG file at path.
func WriteChart(path string, points []Point, info ChartInfo) error {
	if len(points) == 0 {
		return errors.New("no points to draw")
	}
	notes := brokenNotes(points)
	height := chartPanels + 0.6*vg.Inch + vg.Length(len(notes))*noteLine
	canvas := vgimg.NewWith(vgimg.UseWH(chartWidth, height), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(canvas)

	plots := make([][]*plot.Plot, 2)
	for i, spec := range panels {
		p, err := drawPanel(spec, points)
		if err != nil {
			return fmt.Errorf("chart panel %q: %w", spec.title, err)
		}
		plots[i/2] = append(plots[i/2], p)
	}
	bottom := 0.3*vg.Inch + vg.Length(len(notes))*noteLine
	tiles := draw.Tiles{Rows: 2, Cols: 2, PadTop: 0.5 * vg.Inch, PadBottom: bottom, PadLeft: 0.2 * vg.Inch, PadRight: 0.3 * vg.Inch, PadX: 0.5 * vg.Inch, PadY: 0.4 * vg.Inch}
	canvases := plot.Align(plots, tiles, dc)
	for row := range plots {
		for col, p := range plots[row] {
			p.Draw(canvases[row][col])
		}
	}

	title := textStyle(15)
	title.XAlign = draw.XCenter
	dc.FillText(title, vg.Point{X: chartWidth / 2, Y: height - 0.35*vg.Inch},
		fmt.Sprintf("Concurrent requests, each waiting %s for the delay server: %d executors, %s", info.Delay, info.Executors, medianOf(info.Repeat)))
	note := textStyle(11)
	for i, text := range notes {
		dc.FillText(note, vg.Point{X: 0.3 * vg.Inch, Y: bottom - 0.1*vg.Inch - vg.Length(i+1)*noteLine}, text)
	}

	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := (vgimg.PngCanvas{Canvas: canvas}).WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// drawPanel builds one panel: a line per approach through its measured points,
// red rings on the points where runs broke down, and crosses along the
// bottom for points that have no figures at all (the run was refused).
func drawPanel(spec panel, points []Point) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = spec.title
	p.X.Label.Text = "concurrent requests (log scale)"
	p.Y.Label.Text = spec.unit
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())

	counts := countsOf(points)
	p.X.Scale = plot.LogScale{}
	p.X.Min, p.X.Max = float64(counts[0])/1.6, float64(counts[len(counts)-1])*1.6
	p.X.Tick.Marker = countTicks(counts)

	lo, hi := valueRange(spec, points)
	// Headroom above the highest point keeps the legend, top left, off
	// the lines.
	if spec.log {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.TickerFunc(logTicks)
		// A band below the lowest point holds the crosses of refused
		// runs (see bottomSlot), clear of the lines.
		p.Y.Min, p.Y.Max = lo/8, hi*4
	} else {
		p.Y.Min, p.Y.Max = 0, hi*1.3
	}

	var broken plotter.XYs
	var brokenLabels []string
	var missing plotter.XYs
	var missingLabels []string
	for _, approach := range approachesOf(points) {
		var line plotter.XYs
		for _, pt := range points {
			if pt.Approach != approach {
				continue
			}
			x := float64(pt.Requests)
			if pt.Measured == 0 {
				// Stacked per approach so that two refused approaches at
				// one count do not hide each other.
				missing = append(missing, plotter.XY{X: x, Y: bottomSlot(p, len(missingAt(missing, x)), spec.log)})
				missingLabels = append(missingLabels, approach+": "+shortReason(pt.Error))
				continue
			}
			if spec.threads && !pt.ThreadsMeasured {
				continue
			}
			y := spec.value(pt)
			line = append(line, plotter.XY{X: x, Y: y})
			if pt.BrokeDown() {
				broken = append(broken, plotter.XY{X: x, Y: y})
				label := shortReason(pt.Error)
				if pt.Failed > 0 {
					label = fmt.Sprintf("%.0f failed: %s", pt.Failed, label)
				}
				brokenLabels = append(brokenLabels, label)
			}
		}
		if len(line) == 0 {
			continue
		}
		l, s, err := plotter.NewLinePoints(line)
		if err != nil {
			return nil, err
		}
		l.Color, s.Color = approachColors[approach], approachColors[approach]
		l.Width = vg.Points(2)
		s.Shape = draw.CircleGlyph{}
		s.Radius = vg.Points(3)
		p.Add(l, s)
		p.Legend.Add(approach, l, s)
	}
	if spec.ideal {
		if err := addIdealLine(p, points); err != nil {
			return nil, err
		}
	}
	if err := addMarks(p, broken, brokenLabels, draw.RingGlyph{}); err != nil {
		return nil, err
	}
	if err := addMarks(p, missing, missingLabels, draw.CrossGlyph{}); err != nil {
		return nil, err
	}
	return p, nil
}

// addIdealLine draws the delay itself on the wall-time panel: no approach can
// answer sooner, and the gap above the line is what each one costs.
func addIdealLine(p *plot.Plot, points []Point) error {
	if len(points) == 0 {
		return nil
	}
	ideal := points[0].Delay.Seconds()
	l, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: ideal}, {X: p.X.Max, Y: ideal}})
	if err != nil {
		return err
	}
	l.Color = color.Gray{Y: 0x80}
	l.Dashes = []vg.Length{vg.Points(5), vg.Points(4)}
	p.Add(l)
	p.Legend.Add("the delay (ideal)", l)
	return nil
}

// addMarks draws red glyphs with labels beside them.
func addMarks(p *plot.Plot, xys plotter.XYs, labels []string, shape draw.GlyphDrawer) error {
	if len(xys) == 0 {
		return nil
	}
	s, err := plotter.NewScatter(xys)
	if err != nil {
		return err
	}
	s.Color = brokenColor
	s.Shape = shape
	s.Radius = vg.Points(6)
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Color = brokenColor
		l.TextStyle[i].XAlign = draw.XRight
	}
	l.Offset = vg.Point{X: -vg.Points(8), Y: vg.Points(2)}
	p.Add(s, l)
	return nil
}

// bottomSlot is the height of the slot-th cross along the bottom of a panel.
func bottomSlot(p *plot.Plot, slot int, log bool) float64 {
	if log {
		// Three crosses fit below the lowest point, which is at 8 × Min.
		return p.Y.Min * math.Pow(1.5, float64(slot+1))
	}
	return p.Y.Min + (p.Y.Max-p.Y.Min)*0.06*float64(slot+1)
}

// missingAt lists the crosses already placed at count x.
func missingAt(xys plotter.XYs, x float64) plotter.XYs {
	var at plotter.XYs
	for _, xy := range xys {
		if xy.X == x {
			at = append(at, xy)
		}
	}
	return at
}

// valueRange is the smallest and largest measured value of the panel, with
// a stand-in range when the panel has no measured value.
func valueRange(spec panel, points []Point) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range points {
		if p.Measured == 0 || (spec.threads && !p.ThreadsMeasured) {
			continue
		}
		v := spec.value(p)
		if spec.log && v <= 0 {
			continue // a log axis cannot show it
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	if math.IsInf(lo, 1) {
		return 1, 10
	}
	if hi == 0 {
		hi = 1
	}
	return lo, hi
}

// countTicks labels the x axis at exactly the counts of the sweep.
func countTicks(counts []int) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(counts))
	for i, n := range counts {
		ticks[i] = plot.Tick{Value: float64(n), Label: strconv.Itoa(n)}
	}
	return ticks
}

// logTicks puts labelled ticks at 1, 2 and 5 times each power of ten, so a
// log axis that spans less than a decade still has numbers on it.
func logTicks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for decade := math.Pow10(int(math.Floor(math.Log10(lo)))); decade <= hi; decade *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if v := decade * m; v >= lo && v <= hi {
				ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
			}
		}
	}
	return ticks
}

// brokenNotes are the lines under the panels: for each point where runs
// broke down, which one and the full reason.
func brokenNotes(points []Point) []string {
	var notes []string
	for _, p := range points {
		if !p.BrokeDown() {
			continue
		}
		if len(notes) == maxNotes {
			notes = append(notes, "… more in medians.csv")
			break
		}
		notes = append(notes, fmt.Sprintf("%s at %d requests (%d of %d runs): %s", p.Approach, p.Requests, p.Broken, p.Runs, truncate(p.Error, 190)))
	}
	return notes
}

// shortReason turns a failure into a label of a few words for the chart;
// the notes and the CSV carry the whole line.
func shortReason(why string) string {
	lower := strings.ToLower(why)
	known := []struct{ marker, label string }{
		{"thread limit", "Go's thread limit"},
		{"os refused more threads", "OS refused a thread"},
		{"failed to create new os thread", "OS refused a thread"},
		{"open-file limit", "open-file limit"},
		{"too many open files", "open-file limit"},
		{"cannot assign requested address", "out of ephemeral ports"},
		{"-timeout", "timed out"},
		{"503", "server busy (503)"},
		{"connection refused", "connection refused"},
		{"connection reset", "connection reset"},
		{"killed by signal", "killed by a signal"},
	}
	for _, k := range known {
		if strings.Contains(lower, k.marker) {
			return k.label
		}
	}
	return truncate(why, 40)
}

// countsOf and approachesOf list the distinct counts (ascending) and
// approaches (in order of appearance) of points.
func countsOf(points []Point) []int {
	var counts []int
	for _, p := range points {
		if !slices.Contains(counts, p.Requests) {
			counts = append(counts, p.Requests)
		}
	}
	slices.Sort(counts)
	return counts
}

func approachesOf(points []Point) []string {
	var list []string
	for _, p := range points {
		if !slices.Contains(list, p.Approach) {
			list = append(list, p.Approach)
		}
	}
	return list
}

// textStyle is the plot's own font at size points, in black.
func textStyle(size vg.Length) draw.TextStyle {
	return draw.TextStyle{
		Color:   color.Black,
		Font:    font.From(plot.DefaultFont, size),
		Handler: plot.DefaultTextHandler,
	}
}
