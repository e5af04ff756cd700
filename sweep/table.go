//go:build linux

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
	b.WriteString("| mode | requests | ok | failed | wall s | CPU s | peak RSS MiB | OS threads | server CPU s | runs | broke down because |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, p := range points {
		m := p.Measured > 0
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			p.Mode, p.Requests,
			cell(m, p.OK, 1, 0), cell(m, p.Failed, 1, 0),
			cell(m, p.WallMS, 1000, 3), cell(m, p.CPUMS, 1000, 3),
			cell(m, p.PeakRSSKB, 1024, 1), cell(m, p.OSThreads, 1, 0),
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

// Ratio compares two modes at one request count: Of / Per, median to median.
type Ratio struct {
	Requests       int
	Wall, CPU, RSS float64
	// Why is set when there is no ratio: a mode missing or unmeasured.
	Why string
	// Broken says one of the two points broke down, so the ratio compares
	// a system that did not carry the load.
	Broken bool
}

// Ratios compares mode of with mode per at every count where both ran.
func Ratios(points []Point, of, per string) []Ratio {
	byKey := map[string]Point{}
	var counts []int
	for _, p := range points {
		byKey[fmt.Sprint(p.Mode, p.Requests)] = p
		if !slices.Contains(counts, p.Requests) {
			counts = append(counts, p.Requests)
		}
	}
	var ratios []Ratio
	for _, n := range counts {
		a, okA := byKey[fmt.Sprint(of, n)]
		b, okB := byKey[fmt.Sprint(per, n)]
		r := Ratio{Requests: n}
		switch {
		case !okA || !okB:
			continue
		case a.Measured == 0:
			r.Why = fmt.Sprintf("%s has no figures: %s", of, a.Error)
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
	return ratios
}

// WriteRatios writes ratios of mode of per mode per as a Markdown table.
func WriteRatios(w io.Writer, ratios []Ratio, of, per string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "| requests | wall %[1]s/%[2]s | CPU %[1]s/%[2]s | peak RSS %[1]s/%[2]s | note |\n", of, per)
	b.WriteString("| ---: | ---: | ---: | ---: | --- |\n")
	for _, r := range ratios {
		if r.Why != "" {
			fmt.Fprintf(&b, "| %d | — | — | — | %s |\n", r.Requests, markdownEscape(r.Why))
			continue
		}
		note := ""
		if r.Broken {
			note = "a run broke down at this count: compare with care"
		}
		fmt.Fprintf(&b, "| %d | %.2f | %.2f | %.2f | %s |\n", r.Requests, r.Wall, r.CPU, r.RSS, note)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
