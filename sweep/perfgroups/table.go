package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Run is one recording: how many samples fell in each group.
type Run struct {
	File   string
	Counts map[Group]int
	Total  int
}

// countRun groups the samples of one recording.
func countRun(file string, samples []Sample) Run {
	r := Run{File: file, Counts: map[Group]int{}}
	for _, s := range samples {
		r.Counts[Classify(s)]++
		r.Total++
	}
	return r
}

// Program is one program's runs, under the name the command line gave it.
type Program struct {
	Name string
	Runs []Run
}

// share is the percentage of run r's samples for which in is true.
func (r Run) share(in func(Group) bool) (percent float64, samples int) {
	for g, n := range r.Counts {
		if in(g) {
			samples += n
		}
	}
	if r.Total == 0 {
		return 0, 0
	}
	return 100 * float64(samples) / float64(r.Total), samples
}

// writeTable writes one Markdown table: a row per group, then the kernel's
// and the program's totals; per program a column with the median share of
// its runs, the smallest and largest share in brackets, and the median
// number of samples.
func writeTable(w io.Writer, programs []Program) error {
	var b strings.Builder
	b.WriteString("| group |")
	for _, p := range programs {
		fmt.Fprintf(&b, " %s: share (range), samples |", p.Name)
	}
	b.WriteString("\n| --- |")
	for range programs {
		b.WriteString(" ---: |")
	}
	b.WriteString("\n")
	row := func(name string, in func(Group) bool) {
		fmt.Fprintf(&b, "| %s |", name)
		for _, p := range programs {
			shares := make([]float64, len(p.Runs))
			counts := make([]float64, len(p.Runs))
			for i, r := range p.Runs {
				share, n := r.share(in)
				shares[i], counts[i] = share, float64(n)
			}
			fmt.Fprintf(&b, " %.1f %% (%.1f–%.1f), %.0f |", median(shares), slices.Min(shares), slices.Max(shares), median(counts))
		}
		b.WriteString("\n")
	}
	for _, g := range Groups {
		row(g.Name, func(other Group) bool { return other == g })
	}
	row("**the kernel's, in all**", func(g Group) bool { return g.Kernel })
	row("**the program's own, in all**", func(g Group) bool { return !g.Kernel })
	b.WriteString("\n")
	for _, p := range programs {
		totals := make([]string, len(p.Runs))
		for i, r := range p.Runs {
			totals[i] = fmt.Sprint(r.Total)
		}
		fmt.Fprintf(&b, "%s: %d runs, samples per run %s\n", p.Name, len(p.Runs), strings.Join(totals, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// median is the middle value of xs (the mean of the two middle ones for an
// even count); xs must not be empty.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// writeDetail writes, for one group, the functions its samples fall in
// (the innermost frame), summed over each program's runs: the top n.
func writeDetail(w io.Writer, group Group, leaves map[string]map[string]int, programs []Program, n int) error {
	var b strings.Builder
	for _, p := range programs {
		counts := leaves[p.Name]
		names := make([]string, 0, len(counts))
		total := 0
		for name, c := range counts {
			names = append(names, name)
			total += c
		}
		slices.SortFunc(names, func(a, b string) int {
			if counts[a] != counts[b] {
				return counts[b] - counts[a]
			}
			return strings.Compare(a, b)
		})
		fmt.Fprintf(&b, "%s, %s: %d samples over %d runs\n", p.Name, group.Name, total, len(p.Runs))
		for _, name := range names[:min(n, len(names))] {
			fmt.Fprintf(&b, "  %6d  %5.1f %%  %s\n", counts[name], 100*float64(counts[name])/float64(max(total, 1)), name)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
