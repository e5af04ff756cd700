package main

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// node is any XML element, with its attributes, children and text.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) num(t *testing.T, name string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(n.attr(name), 64)
	require.NoError(t, err, "attribute %s of <%s class=%q>", name, n.XMLName.Local, n.attr("class"))
	return f
}

func (n node) hasClass(c string) bool {
	return strings.Contains(" "+n.attr("class")+" ", " "+c+" ")
}

// all returns every element under n (n included) for which keep is true.
func (n node) all(keep func(node) bool) []node {
	var out []node
	if keep(n) {
		out = append(out, n)
	}
	for _, c := range n.Nodes {
		out = append(out, c.all(keep)...)
	}
	return out
}

func (n node) withClass(c string) []node {
	return n.all(func(m node) bool { return m.hasClass(c) })
}

// title is the text of n's <title> child: its tooltip.
func (n node) title() string {
	for _, c := range n.Nodes {
		if c.XMLName.Local == "title" {
			return c.Text
		}
	}
	return ""
}

// text is all the character data under n.
func (n node) text() string {
	s := n.Text
	for _, c := range n.Nodes {
		if c.XMLName.Local != "title" {
			s += c.text()
		}
	}
	return s
}

// parseSVG checks that svg is well-formed XML and returns its root.
func parseSVG(t *testing.T, svg string) node {
	t.Helper()
	var root node
	require.NoError(t, xml.Unmarshal([]byte(svg), &root), "the SVG must be well-formed XML")
	require.Equal(t, "svg", root.XMLName.Local)
	require.Equal(t, "http://www.w3.org/2000/svg", root.XMLName.Space)
	return root
}

// drawFixture draws a testdata trace with the default flags but width.
func drawFixture(t *testing.T, name string, width int) (*Timeline, node) {
	t.Helper()
	tl, err := loadTimeline(fixture(name))
	require.NoError(t, err)
	cfg := Config{Width: width, MaxArrows: 500}
	return tl, parseSVG(t, drawSVG(tl, cfg, "test"))
}

func TestSVGHasOneLabelledLanePerThreadReactorFirst(t *testing.T) {
	_, root := drawFixture(t, "two_executors.json", 1200)

	lanes := root.withClass("lane")
	var labels []string
	for _, l := range lanes {
		got := l.withClass("lane-label")
		require.Len(t, got, 1, "each lane has one label")
		labels = append(labels, got[0].text())
	}
	assert.Equal(t, []string{"reactor", "executor 0", "executor 1"}, labels,
		"one lane per thread, the reactor first, executors in order (the fixture names them in another order)")
}

// The fixture's events start at ts 1000 µs and end at 3100 µs.
const fixtureStart, fixtureEnd = 1000.0, 3100.0

func TestSVGDrawsOneRectPerSliceAtItsTime(t *testing.T) {
	_, root := drawFixture(t, "two_executors.json", 1200)
	plots := root.withClass("plot")
	require.Len(t, plots, 1)
	left, width := plots[0].num(t, "x"), plots[0].num(t, "width")
	xOf := func(ts float64) float64 { return left + (ts-fixtureStart)/(fixtureEnd-fixtureStart)*width }

	type want struct {
		lane, kind string
		ts, dur    float64
	}
	wants := []want{
		{"reactor", "wait", 1000, 950},
		{"reactor", "wait", 1960, 800},
		{"executor 0", "pending", 1000, 100},
		{"executor 0", "park", 1100, 900},
		{"executor 0", "ready", 2000, 200},
		{"executor 0", "error", 2300, 50},
		{"executor 1", "pending", 1000, 150},
		{"executor 1", "park", 1150, 1650},
		{"executor 1", "ready", 2800, 200}, // the B/E pair
	}
	got := map[string][]node{}
	for _, lane := range root.withClass("lane") {
		name := lane.withClass("lane-label")[0].text()
		got[name] = lane.withClass("slice")
	}
	total := 0
	for _, rects := range got {
		total += len(rects)
	}
	assert.Equal(t, len(wants), total, "one rect per slice")
	for _, w := range wants {
		found := false
		for _, r := range got[w.lane] {
			if r.hasClass(w.kind) && math.Abs(r.num(t, "x")-xOf(w.ts)) < 0.01 {
				found = true
				assert.InDelta(t, w.dur/(fixtureEnd-fixtureStart)*width, r.num(t, "width"), 0.02, "width of %s at %v", w.kind, w.ts)
				assert.Equal(t, "rect", r.XMLName.Local)
			}
		}
		assert.True(t, found, "a %s rect in lane %s at x=%.2f (ts %v)", w.kind, w.lane, xOf(w.ts), w.ts)
	}
}

func TestSVGColoursSlicesByKind(t *testing.T) {
	_, root := drawFixture(t, "two_executors.json", 1200)
	for _, r := range root.withClass("slice") {
		var k Kind = -1
		for i, st := range styles {
			if r.hasClass(st.Class) {
				k = Kind(i)
			}
		}
		require.NotEqual(t, Kind(-1), k, "slice with class %q has a kind", r.attr("class"))
		assert.Equal(t, styles[k].Fill, r.attr("fill"), "a %s slice is drawn in its legend colour", styles[k].Class)
	}
}

func TestSVGDrawsOneArrowPerWakeFromWakerToWoken(t *testing.T) {
	_, root := drawFixture(t, "two_executors.json", 1200)
	plot := root.withClass("plot")[0]
	left, width := plot.num(t, "x"), plot.num(t, "width")
	xOf := func(ts float64) float64 { return left + (ts-fixtureStart)/(fixtureEnd-fixtureStart)*width }
	laneTop := map[string]float64{}
	for _, lane := range root.withClass("lane") {
		laneTop[lane.withClass("lane-label")[0].text()] = lane.withClass("lane-band")[0].num(t, "y")
	}

	wakes := root.withClass("wakes")
	require.Len(t, wakes, 1)
	arrows := wakes[0].withClass("wake")
	require.Len(t, arrows, 2, "one arrow per flow pair (s → f)")
	wants := []struct {
		from, to string
		ts1, ts2 float64
	}{{"reactor", "executor 0", 1950, 2000}, {"reactor", "executor 1", 2760, 2800}}
	for i, w := range wants {
		a := arrows[i]
		assert.Equal(t, "url(#arrowhead)", a.attr("marker-end"), "an arrow has a head")
		var x1, y1, x2, y2 float64
		_, err := fmtSscan(a.attr("d"), &x1, &y1, &x2, &y2)
		require.NoError(t, err, "path %q", a.attr("d"))
		assert.InDelta(t, xOf(w.ts1), x1, 0.01, "arrow %d starts at the wake", i)
		assert.InDelta(t, xOf(w.ts2), x2, 0.01, "arrow %d ends at the woken poll", i)
		assert.Greater(t, y1, laneTop[w.from], "arrow %d starts in the waker's lane", i)
		assert.Less(t, y1, laneTop[w.from]+rowHeight+2*lanePad)
		assert.GreaterOrEqual(t, y2, laneTop[w.to], "arrow %d ends in the woken lane", i)
		assert.Less(t, y2, laneTop[w.to]+rowHeight+2*lanePad)
		assert.Contains(t, a.title(), w.from+" → "+w.to)
	}
	assert.Contains(t, arrows[0].title(), "ends at: poll task 1")
}

// fmtSscan reads "M x1,y1 L x2,y2".
func fmtSscan(d string, x1, y1, x2, y2 *float64) (int, error) {
	r := strings.NewReplacer("M", " ", "L", " ", ",", " ")
	f := strings.Fields(r.Replace(d))
	vals := []*float64{x1, y1, x2, y2}
	if len(f) != 4 {
		return 0, &strconv.NumError{Func: "path", Num: d, Err: strconv.ErrSyntax}
	}
	for i, s := range f {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return i, err
		}
		*vals[i] = v
	}
	return 4, nil
}

func TestSVGMarksInstantsAndTheHazardStandsOut(t *testing.T) {
	_, root := drawFixture(t, "two_executors.json", 1200)
	lanes := root.withClass("lanes")
	require.Len(t, lanes, 1)
	instants := lanes[0].withClass("instant")
	assert.Len(t, instants, 4, "spawn, register, the hazard and Ctrl-C")
	hazards := lanes[0].withClass("hazard")
	var hazardMarks []node
	for _, h := range hazards {
		if h.hasClass("instant") {
			hazardMarks = append(hazardMarks, h)
		}
	}
	require.Len(t, hazardMarks, 1)
	assert.Contains(t, hazardMarks[0].title(), "HAZARD: late wake")
	assert.Contains(t, hazardMarks[0].title(), "why: woken 40 µs after its socket was ready")
	shapes := hazardMarks[0].all(func(n node) bool { return n.XMLName.Local == "path" })
	require.Len(t, shapes, 1)
	assert.Equal(t, styles[KindHazard].Fill, shapes[0].attr("fill"))
	global := root.withClass("global")
	require.Len(t, global, 1, "Ctrl-C has the global scope: one line across the lanes")
	assert.Contains(t, global[0].title(), "Ctrl-C")
}

func TestSVGLegendNamesEveryKindDrawn(t *testing.T) {
	_, root := drawFixture(t, "two_executors.json", 1200)
	legend := root.withClass("legend")
	require.Len(t, legend, 1)
	var labels []string
	for _, e := range legend[0].withClass("legend-entry") {
		labels = append(labels, e.text())
	}
	assert.Equal(t, []string{
		"poll → Ready", "poll → Pending", "poll → error", "park (asleep until woken)",
		"wait for the OS (epoll_wait, kevent)", "instant (register, spawn, timer, …)", "hazard",
		"wake → the woken task's next poll",
	}, labels)
}

func TestSVGAxisTicksAreRoundMillisecondsAtTheirTime(t *testing.T) {
	_, root := drawFixture(t, "two_executors.json", 1200)
	plot := root.withClass("plot")[0]
	left, width := plot.num(t, "x"), plot.num(t, "width")
	labels := root.withClass("tick-label")
	var texts []string
	for _, l := range labels {
		texts = append(texts, l.text())
		ms, err := strconv.ParseFloat(strings.TrimSuffix(l.text(), " ms"), 64)
		require.NoError(t, err)
		assert.InDelta(t, left+ms*1000/(fixtureEnd-fixtureStart)*width, l.num(t, "x"), 0.01, "tick %s", l.text())
	}
	assert.Equal(t, []string{"0 ms", "0.2 ms", "0.4 ms", "0.6 ms", "0.8 ms", "1 ms", "1.2 ms", "1.4 ms", "1.6 ms", "1.8 ms", "2 ms"}, texts)
}

func TestSVGTooltipsSayWhatASliceIs(t *testing.T) {
	_, root := drawFixture(t, "two_executors.json", 1200)
	var titles []string
	for _, r := range root.withClass("slice") {
		titles = append(titles, r.title())
	}
	assert.Contains(t, titles, "poll task 3 (poll → error)\nexecutor 0, 1.3 ms → 1.35 ms, 50 µs\nresult: error: connection refused\ntask: 3")
	assert.Contains(t, titles, "poll task 2 (poll → Ready)\nexecutor 1, 1.8 ms → 2 ms, 200 µs\nresult: ready\ntask: 2",
		"a B/E slice takes the E's args")
}

func TestSVGEscapesNamesFromTheTrace(t *testing.T) {
	path := writeTrace(t, `{"traceEvents":[
		{"ph":"M","name":"thread_name","tid":1,"args":{"name":"<exec> & \"co\""}},
		{"ph":"X","name":"poll <b>\u0001","ts":0,"dur":5,"tid":1,"args":{"k":"]]>"}}]}`)
	tl, err := loadTimeline(path)
	require.NoError(t, err)
	root := parseSVG(t, drawSVG(tl, Config{Width: 600}, "a < b"))
	assert.Equal(t, `<exec> & "co"`, root.withClass("lane-label")[0].text())
	assert.Contains(t, root.withClass("slice")[0].title(), "poll <b>\uFFFD")
}
