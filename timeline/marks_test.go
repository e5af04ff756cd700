package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// busyTrace is a trace of n short polls per executor on two executors
// (each 2 µs, 3 µs apart), a wake from the reactor before each poll, and
// one poll that fails in the middle of executor 1's run.
func busyTrace(t *testing.T, n int) string {
	t.Helper()
	var events []map[string]any
	add := func(e map[string]any) { events = append(events, e) }
	add(map[string]any{"ph": "M", "name": "thread_name", "tid": 0, "args": map[string]any{"name": "reactor"}})
	for ex := 1; ex <= 2; ex++ {
		add(map[string]any{"ph": "M", "name": "thread_name", "tid": ex, "args": map[string]any{"name": fmt.Sprintf("executor %d", ex-1)}})
		for i := range n {
			ts := float64(i * 3)
			result := []string{"pending", "ready"}[i%2]
			if ex == 2 && i == n/2 {
				result = "error: reset"
			}
			id := ex*1_000_000 + i
			add(map[string]any{"ph": "s", "cat": "wake", "id": id, "ts": ts - 1, "tid": 0})
			add(map[string]any{"ph": "f", "bp": "e", "cat": "wake", "id": id, "ts": ts, "tid": ex})
			add(map[string]any{"ph": "X", "name": "poll", "ts": ts, "dur": 2, "tid": ex, "args": map[string]any{"result": result}})
		}
	}
	data, err := json.Marshal(map[string]any{"traceEvents": events})
	require.NoError(t, err)
	return string(data)
}

func TestThousandsOfNarrowSlicesAreMergedAndAnErrorStillShows(t *testing.T) {
	tl := timelineOf(t, busyTrace(t, 5000))
	sc := timeScale{From: tl.Start, To: tl.End, Left: 0, Width: 1000} // 15 µs per pixel
	m := buildMarks(tl, sc, 500)

	assert.Less(t, len(m.Slices), 100, "10,000 slices of 2 µs in 15 µs pixels, touching, merge into a few marks")
	counted := 0
	for _, s := range m.Slices {
		counted += s.Count
	}
	assert.Equal(t, len(tl.Slices), counted, "every slice is in exactly one mark")
	assert.Equal(t, len(tl.Slices)-1, m.MergedSlices, "all but the failed poll are merged")

	var errorMarks []sliceMark
	for _, s := range m.Slices {
		if s.Kind == KindError {
			errorMarks = append(errorMarks, s)
		}
	}
	require.Len(t, errorMarks, 1, "the one failed poll is a mark of its own, not hidden in a merged run")
	e := errorMarks[0]
	assert.Equal(t, "executor 1", tl.Lanes[e.Lane].Name)
	assert.Equal(t, 1, e.Count)
	assert.Equal(t, minUrgentPx, e.W, "drawn a few pixels wide to be seen, not as wide as the run around it")
	assert.InDelta(t, sc.X(2500*3), e.X, 0.01, "at its own time")
	assert.Contains(t, e.Tooltip, "result: error: reset")
}

func TestSlicesWiderThanAPixelAreNotMerged(t *testing.T) {
	tl := timelineOf(t, busyTrace(t, 50))
	sc := timeScale{From: tl.Start, To: tl.End, Left: 0, Width: 1000} // 0.15 µs per pixel
	m := buildMarks(tl, sc, 0)
	assert.Len(t, m.Slices, len(tl.Slices))
	assert.Zero(t, m.MergedMarks)
}

func TestSeparateNarrowSlicesStayApart(t *testing.T) {
	// Three 1 µs slices, hundreds of µs apart, at 10 µs per pixel: each is
	// a tenth of a pixel wide, and none touches another.
	tl := timelineOf(t, `{"traceEvents":[
		{"ph":"X","name":"poll","ts":0,"dur":1,"args":{"result":"ready"}},
		{"ph":"X","name":"poll","ts":500,"dur":1,"args":{"result":"pending"}},
		{"ph":"X","name":"poll","ts":999,"dur":1,"args":{"result":"pending"}}
	]}`)
	m := buildMarks(tl, timeScale{From: 0, To: 1000, Width: 100}, 0)
	require.Len(t, m.Slices, 3, "narrow slices far apart are not merged")
	for _, s := range m.Slices {
		assert.Equal(t, minSlicePx, s.W, "a narrow slice is still drawn a pixel wide")
	}
}

func TestArrowsAreCappedEvenlyAndThePictureSaysSo(t *testing.T) {
	tl := timelineOf(t, busyTrace(t, 2000))
	cfg := Config{Width: 1200, MaxArrows: 100}
	root := parseSVG(t, drawSVG(tl, cfg, "busy"))
	arrows := root.withClass("wakes")[0].withClass("wake")
	assert.Len(t, arrows, 100)

	var notes []string
	for _, n := range root.withClass("note") {
		notes = append(notes, n.text())
	}
	joined := strings.Join(notes, "\n")
	assert.Regexp(t, `Wakes: 100 of \d+ arrows drawn, every \d+(st|nd|rd|th) one, evenly over time; -max-arrows \d+ draws them all\.`, joined)
	assert.Contains(t, joined, "Merged:")

	// Evenly: the drawn arrows reach from the first tenth of the picture to the last.
	plot := root.withClass("plot")[0]
	left, width := plot.num(t, "x"), plot.num(t, "width")
	var first, last float64 = 1e9, -1
	for _, a := range arrows {
		var x1, y1, x2, y2 float64
		_, err := fmtSscan(a.attr("d"), &x1, &y1, &x2, &y2)
		require.NoError(t, err)
		first, last = min(first, x1), max(last, x1)
	}
	assert.Less(t, first, left+width/10)
	assert.Greater(t, last, left+width*9/10)
}

func TestNoLimitDrawsEveryArrowInItsOwnPixels(t *testing.T) {
	tl := timelineOf(t, busyTrace(t, 30))
	root := parseSVG(t, drawSVG(tl, Config{Width: 1200}, "few"))
	assert.Len(t, root.withClass("wakes")[0].withClass("wake"), 60)
	for _, n := range root.withClass("note") {
		assert.NotContains(t, n.text(), "Wakes:")
	}
}

func TestZoomWindowDrawsOnlyWhatIsInside(t *testing.T) {
	tl, err := loadTimeline(fixture("two_executors.json"))
	require.NoError(t, err)
	// 1.9 to 2.1 ms: executor 1's last poll (1.8–2.0 ms) clipped, Ctrl-C at 2.1 ms.
	root := parseSVG(t, drawSVG(tl, Config{Width: 1200, FromMS: 1.9, HasFrom: true, ToMS: 2.1, HasTo: true}, "zoom"))
	plot := root.withClass("plot")[0]
	left := plot.num(t, "x")
	for _, r := range root.withClass("slice") {
		assert.GreaterOrEqual(t, r.num(t, "x"), left-0.01, "nothing drawn left of the window")
	}
	var labels []string
	for _, l := range root.withClass("tick-label") {
		labels = append(labels, l.text())
	}
	assert.Equal(t, "1.9 ms", labels[0], "a zoomed axis keeps the times of the whole trace")
	assert.Empty(t, root.withClass("wakes")[0].withClass("wake"), "both wakes begin before 1.9 ms")
	var notes string
	for _, n := range root.withClass("note") {
		notes += n.text()
	}
	assert.Contains(t, notes, "Wakes: 2 not drawn because they start or end outside the window.")
}

func TestTickSteps(t *testing.T) {
	for raw, want := range map[float64]float64{0.3: 0.5, 0.2: 0.2, 1: 1, 1.01: 2, 7: 10, 0.0011: 0.002, 250: 500} {
		assert.InDelta(t, want, niceStep(raw), want*1e-9, "niceStep(%v)", raw)
	}
	sc := timeScale{From: 0, To: 1_000_000, Left: 0, Width: 1000}
	ticks := sc.ticks(0)
	assert.Equal(t, "0 ms", ticks[0].Label)
	assert.Equal(t, "1000 ms", ticks[len(ticks)-1].Label)
	for i := 1; i < len(ticks); i++ {
		assert.GreaterOrEqual(t, ticks[i].X-ticks[i-1].X, 80.0, "ticks at least 80 px apart")
	}
}

func TestDurationsReadWell(t *testing.T) {
	assert.Equal(t, "0.4 µs", formatDuration(0.4))
	assert.Equal(t, "18 µs", formatDuration(18))
	assert.Equal(t, "1.25 ms", formatDuration(1250))
	assert.Equal(t, "2.5 s", formatDuration(2.5e6))
}
