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
	// Rounds is how many rounds had both runs measured; Low and High are
	// the smallest and largest ratio of one run to the baseline's run of
	// the same round, figure by figure (see WithRounds).
	Rounds    int
	Low, High [3]float64
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

// WithRounds adds to each ratio the spread of the same ratio round by
// round: each run against the baseline's run of the same round, the two
// having run one after the other. Where the median ratio sits next to a
// target, the spread says how often a single round was on either side.
func WithRounds(ratios []Ratio, runs []Run, per string) []Ratio {
	type key struct {
		approach        string
		requests, round int
	}
	byKey := map[key]Run{}
	for _, r := range runs {
		if r.Measured {
			byKey[key{r.Approach, r.Requests, r.Round}] = r
		}
	}
	out := slices.Clone(ratios)
	for i := range out {
		r := &out[i]
		for k, a := range byKey {
			if k.approach != r.Approach || k.requests != r.Requests {
				continue
			}
			b, ok := byKey[key{per, k.requests, k.round}]
			if !ok || b.WallMS == 0 || b.CPUMS == 0 || b.PeakRSSKB == 0 {
				continue
			}
			each := [3]float64{float64(a.WallMS) / float64(b.WallMS), float64(a.CPUMS) / float64(b.CPUMS), float64(a.PeakRSSKB) / float64(b.PeakRSSKB)}
			for j, x := range each {
				if r.Rounds == 0 || x < r.Low[j] {
					r.Low[j] = x
				}
				if r.Rounds == 0 || x > r.High[j] {
					r.High[j] = x
				}
			}
			r.Rounds++
		}
	}
	return out
}

// WriteRatios writes ratios to per as a Markdown table: the ratio of the
// medians, and with more than one round, the range of the ratios round by
// round in brackets.
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
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s |\n", r.Approach, r.Requests,
			ratioCell(r.Wall, r, 0), ratioCell(r.CPU, r, 1), ratioCell(r.RSS, r, 2), note)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ratioCell is a ratio with three decimals and, over two or more rounds,
// its range round by round.
func ratioCell(x float64, r Ratio, figure int) string {
	if r.Rounds < 2 {
		return fmt.Sprintf("%.3f", x)
	}
	return fmt.Sprintf("%.3f (%.3f–%.3f)", x, r.Low[figure], r.High[figure])
}
