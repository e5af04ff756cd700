// scale.go maps trace time to pixels and picks the axis ticks: round
// numbers of milliseconds (1, 2 or 5 times a power of ten), at least 80
// pixels apart so their labels never touch.

package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// timeScale maps the window [From, To] of trace time (microseconds) onto
// the pixels [Left, Left+Width].
type timeScale struct {
	From, To    float64
	Left, Width float64
}

// X is the pixel column of trace time t.
func (s timeScale) X(t float64) float64 {
	return s.Left + (t-s.From)/(s.To-s.From)*s.Width
}

// PerPixel is how many microseconds one pixel spans.
func (s timeScale) PerPixel() float64 { return (s.To - s.From) / s.Width }

// tick is one mark of the time axis.
type tick struct {
	X     float64
	Label string
}

// ticks returns the axis marks for the window, labelled in milliseconds
// since origin (the start of the trace), so a zoomed picture keeps the
// times of the whole one.
func (s timeScale) ticks(origin float64) []tick {
	spanMS := (s.To - s.From) / 1000
	want := math.Max(2, s.Width/80)
	step := niceStep(spanMS / want)
	decimals := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	first := math.Ceil(((s.From-origin)/1000)/step-1e-9) * step
	var out []tick
	for ms := first; ms <= (s.To-origin)/1000+step*1e-9; ms += step {
		t := origin + ms*1000
		out = append(out, tick{X: s.X(t), Label: formatMS(ms, decimals)})
		if len(out) > 1000 {
			break // cannot happen with a finite step; a guard against a NaN span
		}
	}
	return out
}

// niceStep rounds a raw step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*pow >= raw*(1-1e-9) {
			return m * pow
		}
	}
	return 10 * pow
}

// formatMS writes a tick label: "0 ms", "0.25 ms", "1200 ms", with no
// trailing zeros ("1 ms", not "1.0 ms").
func formatMS(ms float64, decimals int) string {
	if math.Abs(ms) < 1e-9 {
		ms = 0
	}
	return trimZeros(strconv.FormatFloat(ms, 'f', decimals, 64)) + " ms"
}

// formatDuration writes a duration in microseconds the way a person reads
// it: "0.4 µs", "18 µs", "1.25 ms", "2.5 s".
func formatDuration(us float64) string {
	switch {
	case us < 10:
		return trimZeros(fmt.Sprintf("%.2f", us)) + " µs"
	case us < 1000:
		return trimZeros(fmt.Sprintf("%.1f", us)) + " µs"
	case us < 1e6:
		return trimZeros(fmt.Sprintf("%.3f", us/1000)) + " ms"
	}
	return trimZeros(fmt.Sprintf("%.3f", us/1e6)) + " s"
}

// formatAt writes a moment of the trace as milliseconds since its start.
func formatAt(us, origin float64) string {
	return trimZeros(fmt.Sprintf("%.3f", (us-origin)/1000)) + " ms"
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
