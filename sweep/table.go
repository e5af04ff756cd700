//go:build linux || darwin || freebsd

// table.go prints the medians and the ratios as Markdown tables, so that the
// terminal output of a sweep can be pasted into PERFORMANCE.md as it is.

package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// WriteTable writes points as a Markdown table. A point that broke down says
// why in its last column; figures that were never measured show as "—".
func WriteTable(w io.Writer, points []Point) error {
	var b strings.Builder
	b.WriteString("| approach | requests | ok | failed | wall s | CPU s | peak RSS MiB | peak OS threads | server CPU s | runs | broke down because |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, p := range points {
		m := p.Measured > 0
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			p.Approach, p.Requests,
			cell(m, p.OK, 1, 0), cell(m, p.Failed, 1, 0),
			cell(m, p.WallMS, 1000, 3), cell(m, p.CPUMS, 1000, 3),
			cell(m, p.PeakRSSKB, 1024, 1), cell(m && p.ThreadsMeasured, p.OSThreads, 1, 0),
			cell(p.ServerMeasured, p.ServerCPUMS, 1000, 2),
			runsCell(p), markdownEscape(p.Error))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// runsCell says how many runs the medians come from, and how many broke.
func runsCell(p Point) string {
	if p.Broken == 0 {
		return strconv.Itoa(p.Runs)
	}
	return fmt.Sprintf("%d (%d broke)", p.Runs, p.Broken)
}

// cell renders x/unit with the given decimals, or "—" when not measured.
func cell(measured bool, x, unit float64, decimals int) string {
	if !measured {
		return "—"
	}
	return strconv.FormatFloat(x/unit, 'f', decimals, 64)
}

// markdownEscape keeps a free-text reason from breaking the table.
func markdownEscape(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// Ratio compares one approach with the baseline at one request count:
// median to median.
type Ratio struct {
	Approach       string
	Requests       int
	Wall, CPU, RSS float64
	// Why is set when there is no ratio: a point unmeasured.
	Why string
	// Broken says one of the two points broke down, so the ratio compares
	// a system that did not carry the load.
	Broken bool
}

// Ratios compares every approach but per with per, at every count where
// both ran, in the order of points.
func Ratios(points []Point, per string) []Ratio {
	byKey := map[string]Point{}
	for _, p := range points {
		byKey[fmt.Sprint(p.Approach, p.Requests)] = p
	}
	var ratios []Ratio
	for _, a := range points {
		if a.Approach == per {
			continue
		}
		b, ok := byKey[fmt.Sprint(per, a.Requests)]
		if !ok {
			continue
		}
		r := Ratio{Approach: a.Approach, Requests: a.Requests}
		switch {
		case a.Measured == 0:
			r.Why = fmt.Sprintf("%s has no figures: %s", a.Approach, a.Error)
		case b.Measured == 0:
			r.Why = fmt.Sprintf("%s has no figures: %s", per, b.Error)
		case b.WallMS == 0 || b.CPUMS == 0 || b.PeakRSSKB == 0:
			r.Why = per + " measured a zero; no ratio"
		default:
			r.Wall, r.CPU, r.RSS = a.WallMS/b.WallMS, a.CPUMS/b.CPUMS, a.PeakRSSKB/b.PeakRSSKB
			r.Broken = a.BrokeDown() || b.BrokeDown()
		}
		ratios = append(ratios, r)
	}
	slices.SortStableFunc(ratios, func(x, y Ratio) int { return x.Requests - y.Requests })
	return ratios
}

// WriteRatios writes ratios to per as a Markdown table.
func WriteRatios(w io.Writer, ratios []Ratio, per string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "| approach | requests | wall ÷ %[1]s | CPU ÷ %[1]s | peak RSS ÷ %[1]s | note |\n", per)
	b.WriteString("| --- | ---: | ---: | ---: | ---: | --- |\n")
	for _, r := range ratios {
		if r.Why != "" {
			fmt.Fprintf(&b, "| %s | %d | — | — | — | %s |\n", r.Approach, r.Requests, markdownEscape(r.Why))
			continue
		}
		note := ""
		if r.Broken {
			note = "a run broke down at this count: compare with care"
		}
		fmt.Fprintf(&b, "| %s | %d | %.2f | %.2f | %.2f | %s |\n", r.Approach, r.Requests, r.Wall, r.CPU, r.RSS, note)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
