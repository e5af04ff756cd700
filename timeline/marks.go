// marks.go turns the timeline into what is drawn, keeping a picture of
// thousands of events legible: slices narrower than a pixel that touch are
// merged into one mark, instants in the same pixel column of a lane are one
// mark, and past a limit the wake arrows are thinned evenly over time. Every
// merged mark's tooltip says what it stands for, and the picture's notes say
// how much was merged or left out.

package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// minSlicePx is the narrowest a slice is drawn, and the width under which
// touching slices are merged.
const minSlicePx = 1.0

// minUrgentPx is the narrowest an error or a hazard is drawn: a one-pixel
// line of orange among green is easy to miss.
const minUrgentPx = 3.0

// sliceMark is one rectangle.
type sliceMark struct {
	X, W      float64
	Lane, Row int
	Kind      Kind
	// Count is how many slices the mark stands for (1 unless merged).
	Count   int
	Tooltip string
	// Start is the first slice's start, for tests and for sorting.
	Start float64
}

// instantMark is one or more instants in one pixel column of a lane (Lane
// -1: across every lane).
type instantMark struct {
	X       float64
	Lane    int
	Hazard  bool
	Count   int
	Tooltip string
}

// wakeMark is one arrow.
type wakeMark struct {
	X1, X2           float64
	FromLane, ToLane int
	Count            int
	Tooltip          string
}

// marks is everything drawn in the lanes, and what the notes report.
type marks struct {
	Slices   []sliceMark
	Instants []instantMark
	Wakes    []wakeMark
	// MergedSlices is how many slices went into marks of more than one.
	MergedSlices, MergedMarks int
	// WakesInWindow is how many wake arrows had both ends in the window;
	// WakesDropped how many of those the cap left out.
	WakesInWindow, WakesDropped int
	// WakesOutside is how many wakes had an end outside the window.
	WakesOutside int
}

// buildMarks lays the timeline out on the scale, with at most maxArrows
// arrows (0: no limit).
func buildMarks(tl *Timeline, sc timeScale, maxArrows int) marks {
	var m marks
	m.Slices = sliceMarks(tl, sc, &m)
	m.Instants = instantMarks(tl, sc)
	m.Wakes = wakeMarks(tl, sc, maxArrows, &m)
	return m
}

// sliceMarks draws every slice that overlaps the window, merging runs of
// touching slices narrower than a pixel on the same lane and row. Errors
// and hazards are merged only with each other, never into a run of other
// slices: one failed poll among a thousand good ones stays a mark of its
// own, in its own colour, exactly where it happened.
func sliceMarks(tl *Timeline, sc timeScale, m *marks) []sliceMark {
	// Group by lane and row, each in start order.
	byRow := map[[2]int][]Slice{}
	for _, s := range tl.Slices {
		if s.End() < sc.From || s.Start > sc.To {
			continue
		}
		k := [2]int{s.Lane, s.Row}
		byRow[k] = append(byRow[k], s)
	}
	var out []sliceMark
	emit := func(lane, row int, group []Slice) {
		out = append(out, mergeGroup(tl, sc, lane, row, group))
		if len(group) > 1 {
			m.MergedSlices += len(group)
			m.MergedMarks++
		}
	}
	for k, row := range byRow {
		slices.SortStableFunc(row, func(a, b Slice) int { return cmp.Compare(a.Start, b.Start) })
		common := runMerger{emit: func(g []Slice) { emit(k[0], k[1], g) }}
		urgent := common
		for _, s := range row {
			x1, x2 := sc.X(max(s.Start, sc.From)), sc.X(min(s.End(), sc.To))
			switch {
			case x2-x1 >= minSlicePx:
				emit(k[0], k[1], []Slice{s})
				common.flush() // a wide slice ends the run it interrupts
			case s.Kind == KindError || s.Kind == KindHazard:
				urgent.add(s, x1, x2)
			default:
				common.add(s, x1, x2)
			}
		}
		common.flush()
		urgent.flush()
	}
	slices.SortFunc(out, func(a, b sliceMark) int {
		return cmp.Or(cmp.Compare(a.Lane, b.Lane), cmp.Compare(a.Row, b.Row), cmp.Compare(a.X, b.X))
	})
	return out
}

// runMerger collects a run of narrow slices that touch: each starts less
// than a pixel after the run so far ends.
type runMerger struct {
	group []Slice
	end   float64 // pixel column where the run ends
	emit  func([]Slice)
}

func (r *runMerger) add(s Slice, x1, x2 float64) {
	if len(r.group) > 0 && x1-r.end >= minSlicePx {
		r.flush()
	}
	if len(r.group) == 0 {
		r.end = x2
	}
	r.group = append(r.group, s)
	r.end = max(r.end, x2)
}

func (r *runMerger) flush() {
	if len(r.group) > 0 {
		r.emit(r.group)
	}
	r.group = nil
}

// mergeGroup makes one mark of a run of slices, coloured by the kind that
// took the most time in it; its tooltip counts every kind.
func mergeGroup(tl *Timeline, sc timeScale, lane, row int, group []Slice) sliceMark {
	first, last := group[0], group[0]
	for _, s := range group {
		if s.End() > last.End() {
			last = s
		}
	}
	x1 := sc.X(max(first.Start, sc.From))
	x2 := sc.X(min(last.End(), sc.To))
	mark := sliceMark{X: x1, W: math.Max(x2-x1, minSlicePx), Lane: lane, Row: row, Count: len(group), Start: first.Start}
	if k := first.Kind; k == KindError || k == KindHazard {
		mark.W = math.Max(mark.W, minUrgentPx)
	}
	if len(group) == 1 {
		mark.Kind = first.Kind
		mark.Tooltip = sliceTooltip(tl, first)
		return mark
	}
	var time [numKinds]float64
	var count [numKinds]int
	for _, s := range group {
		time[s.Kind] += s.Dur
		count[s.Kind]++
	}
	best := -1.0
	for k := range numKinds {
		if count[k] > 0 && time[k] > best {
			mark.Kind, best = k, time[k]
		}
	}
	var parts []string
	for k := range numKinds {
		if count[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s ×%d", styles[k].Label, count[k]))
		}
	}
	mark.Tooltip = fmt.Sprintf("%d slices, each narrower than a pixel, drawn as one\n%s, %s → %s\n%s",
		len(group), tl.Lanes[lane].Name, formatAt(first.Start, tl.Start), formatAt(last.End(), tl.Start),
		strings.Join(parts, ", "))
	return mark
}

// sliceTooltip is what hovering one slice shows.
func sliceTooltip(tl *Timeline, s Slice) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)\n%s, %s → %s, %s", s.Name, styles[s.Kind].Label,
		tl.Lanes[s.Lane].Name, formatAt(s.Start, tl.Start), formatAt(s.End(), tl.Start), formatDuration(s.Dur))
	if s.Cat != "" {
		fmt.Fprintf(&b, "\ncategory: %s", s.Cat)
	}
	writeArgs(&b, s.Args)
	if s.Unfinished {
		b.WriteString("\nunfinished: the trace has no end for it")
	}
	return b.String()
}

// maxArgs bounds the arguments a tooltip lists.
const maxArgs = 8

// writeArgs appends "key: value" lines, sorted by key, at most maxArgs.
func writeArgs(b *strings.Builder, args map[string]any) {
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i == maxArgs {
			fmt.Fprintf(b, "\n… %d more", len(keys)-maxArgs)
			break
		}
		v := fmt.Sprint(args[k])
		if len(v) > 80 {
			v = v[:77] + "…"
		}
		fmt.Fprintf(b, "\n%s: %s", k, v)
	}
}

// instantMarks draws every instant in the window, one mark per lane, pixel
// column and hazard-or-not.
func instantMarks(tl *Timeline, sc timeScale) []instantMark {
	type key struct {
		lane, col int
		hazard    bool
	}
	groups := map[key][]Instant{}
	var order []key
	for _, in := range tl.Instants {
		if in.TS < sc.From || in.TS > sc.To {
			continue
		}
		k := key{in.Lane, int(math.Floor(sc.X(in.TS))), in.Hazard}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], in)
	}
	out := make([]instantMark, 0, len(order))
	for _, k := range order {
		g := groups[k]
		out = append(out, instantMark{X: sc.X(g[0].TS), Lane: k.lane, Hazard: k.hazard, Count: len(g), Tooltip: instantTooltip(tl, g)})
	}
	return out
}

func instantTooltip(tl *Timeline, g []Instant) string {
	where := "every thread"
	if g[0].Lane >= 0 {
		where = tl.Lanes[g[0].Lane].Name
	}
	what := "instant"
	if g[0].Hazard {
		what = "HAZARD"
	}
	var b strings.Builder
	if len(g) == 1 {
		in := g[0]
		fmt.Fprintf(&b, "%s: %s\n%s at %s", what, in.Name, where, formatAt(in.TS, tl.Start))
		if in.Cat != "" {
			fmt.Fprintf(&b, "\ncategory: %s", in.Cat)
		}
		writeArgs(&b, in.Args)
		return b.String()
	}
	counts := map[string]int{}
	var names []string
	for _, in := range g {
		if counts[in.Name] == 0 {
			names = append(names, in.Name)
		}
		counts[in.Name]++
	}
	fmt.Fprintf(&b, "%d %ss within one pixel\n%s, %s → %s", len(g), what, where, formatAt(g[0].TS, tl.Start), formatAt(g[len(g)-1].TS, tl.Start))
	for _, n := range names {
		fmt.Fprintf(&b, "\n%s ×%d", n, counts[n])
	}
	return b.String()
}

// wakeMarks draws the wakes with both ends in the window. Arrows that
// start and end in the same pixel columns of the same lanes are one arrow;
// past maxArrows, every k-th is drawn so the thinning is even over time.
func wakeMarks(tl *Timeline, sc timeScale, maxArrows int, m *marks) []wakeMark {
	type key struct{ from, to, c1, c2 int }
	groups := map[key][]Wake{}
	var order []key
	for _, w := range tl.Wakes {
		if w.From < sc.From || w.From > sc.To || w.To < sc.From || w.To > sc.To {
			m.WakesOutside++
			continue
		}
		k := key{w.FromLane, w.ToLane, int(math.Floor(sc.X(w.From))), int(math.Floor(sc.X(w.To)))}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], w)
	}
	m.WakesInWindow = len(order)
	keep := order
	if maxArrows > 0 && len(order) > maxArrows {
		keep = make([]key, 0, maxArrows)
		for i := range maxArrows {
			keep = append(keep, order[i*len(order)/maxArrows])
		}
		m.WakesDropped = len(order) - len(keep)
	}
	out := make([]wakeMark, 0, len(keep))
	for _, k := range keep {
		g := groups[k]
		w := g[0]
		out = append(out, wakeMark{X1: sc.X(w.From), X2: sc.X(w.To), FromLane: w.FromLane, ToLane: w.ToLane, Count: len(g), Tooltip: wakeTooltip(tl, g)})
	}
	return out
}

func wakeTooltip(tl *Timeline, g []Wake) string {
	w := g[0]
	var b strings.Builder
	name := cmp.Or(w.Name, "flow")
	if len(g) > 1 {
		fmt.Fprintf(&b, "%d wakes within one pixel, ", len(g))
	}
	fmt.Fprintf(&b, "%s: %s → %s\nat %s, arrives %s (%s later)", name, tl.Lanes[w.FromLane].Name, tl.Lanes[w.ToLane].Name,
		formatAt(w.From, tl.Start), formatAt(w.To, tl.Start), formatDuration(w.To-w.From))
	if w.Target != "" {
		fmt.Fprintf(&b, "\nends at: %s", w.Target)
	}
	if w.Cat != "" || w.ID != "" {
		fmt.Fprintf(&b, "\ncategory: %s, id: %s", w.Cat, w.ID)
	}
	return b.String()
}
