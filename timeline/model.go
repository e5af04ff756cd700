// model.go turns the raw events into what the picture shows: lanes (one per
// thread), slices (time spent doing one thing: a poll, a park, a wait),
// instants (a moment: a register, a spawn, a hazard) and wakes (a flow from
// the thread that woke a task to that task's next poll).

package main

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Lane is one thread of the trace: one row of the picture.
type Lane struct {
	PID, TID string
	// Name is the thread's name from its thread_name metadata event, or
	// "thread TID" when the trace gives none.
	Name string
	// Process is the process's name, when the trace has more than one.
	Process string
	// sortIndex is the thread_sort_index metadata, when given.
	sortIndex    int
	hasSortIndex bool
	// Rows is how many slices are nested at most, so how many rows tall the
	// lane is drawn.
	Rows int
}

// Slice is a span of time one thread spent in one thing.
type Slice struct {
	Lane       int
	Start, Dur float64 // microseconds
	Name, Cat  string
	Args       map[string]any
	Kind       Kind
	// Row is the nesting depth: 0 for a top-level slice, 1 inside it, ...
	Row int
	// Unfinished marks a "B" with no "E": it is drawn to the end of the trace.
	Unfinished bool
}

// End is when the slice ends.
func (s Slice) End() float64 { return s.Start + s.Dur }

// Instant is a moment on one thread, or on every thread when Lane is -1
// (the format's process and global scopes).
type Instant struct {
	Lane      int
	TS        float64
	Name, Cat string
	Args      map[string]any
	Hazard    bool
}

// Wake is one arrow: a flow from one point of the trace to the next point
// with the same id ("s" to "t", "t" to "f", or "s" to "f").
type Wake struct {
	FromLane, ToLane int
	From, To         float64
	Name, Cat, ID    string
	// Target is the name of the slice the arrow ends in or at, when there
	// is one (the woken task's poll).
	Target string
}

// Timeline is a whole trace, ready to lay out.
type Timeline struct {
	Lanes    []Lane
	Slices   []Slice
	Instants []Instant
	Wakes    []Wake
	// Start and End bound every drawn event, in microseconds.
	Start, End float64
	// Events is how many events the file has; Ignored counts, by phase,
	// those the picture does not draw (counters, async events, ...).
	Events  int
	Ignored map[string]int
	// UnmatchedEnds counts "E" events with no open "B"; OpenFlows counts
	// flows that start but never finish.
	UnmatchedEnds, OpenFlows int
}

type laneKey struct{ pid, tid string }

// buildTimeline sorts the raw events into lanes, slices, instants and wakes.
func buildTimeline(events []rawEvent) (*Timeline, error) {
	tl := &Timeline{Events: len(events), Ignored: map[string]int{}}
	lanes := map[laneKey]int{}
	processNames := map[string]string{}
	lane := func(ev rawEvent) int {
		k := laneKey{ev.PID, ev.TID}
		if i, ok := lanes[k]; ok {
			return i
		}
		lanes[k] = len(tl.Lanes)
		tl.Lanes = append(tl.Lanes, Lane{PID: ev.PID, TID: ev.TID})
		return lanes[k]
	}

	// Metadata first: it names lanes but draws nothing, and it may come
	// anywhere in the file.
	var timed []rawEvent
	for _, ev := range events {
		if ev.Ph != "M" {
			if !isDrawnPhase(ev.Ph) {
				tl.Ignored[phaseLabel(ev.Ph)]++
				continue
			}
			if !ev.HasTS {
				return nil, fmt.Errorf("event %d (ph %q, %q) has no ts; every event but metadata needs one", ev.Index, ev.Ph, ev.Name)
			}
			timed = append(timed, ev)
			continue
		}
		switch ev.Name {
		case "thread_name":
			tl.Lanes[lane(ev)].Name = argString(ev.Args, "name")
		case "thread_sort_index":
			if n, ok := argNumber(ev.Args, "sort_index"); ok {
				l := &tl.Lanes[lane(ev)]
				l.sortIndex, l.hasSortIndex = int(n), true
			}
		case "process_name":
			processNames[ev.PID] = argString(ev.Args, "name")
		}
	}
	if len(timed) == 0 {
		return nil, fmt.Errorf("none of its %d events is a slice, an instant or a flow (phases X, B/E, i/I, s/t/f); nothing to draw", len(events))
	}
	// The format does not promise any order; the drawing needs time order.
	// Stable, so that a B and an E at the same ts stay in file order.
	slices.SortStableFunc(timed, func(a, b rawEvent) int { return cmp.Compare(a.TS, b.TS) })

	tl.Start, tl.End = timed[0].TS, timed[0].TS
	extend := func(t float64) {
		tl.Start, tl.End = min(tl.Start, t), max(tl.End, t)
	}
	open := map[int][]rawEvent{} // "B" events waiting for their "E", per lane
	type flowPoint struct {
		lane int
		ts   float64
		ev   rawEvent
	}
	flows := map[string]flowPoint{} // the last point of each open flow, by cat and id
	for _, ev := range timed {
		l := lane(ev)
		extend(ev.TS)
		switch ev.Ph {
		case "X":
			dur := max(ev.Dur, 0)
			extend(ev.TS + dur)
			tl.Slices = append(tl.Slices, newSlice(l, ev, ev.TS, dur))
		case "B":
			open[l] = append(open[l], ev)
		case "E":
			stack := open[l]
			if len(stack) == 0 {
				tl.UnmatchedEnds++
				continue
			}
			b := stack[len(stack)-1]
			open[l] = stack[:len(stack)-1]
			// An "E" may carry args of its own (a result known only at the end).
			b.Args = mergeArgs(b.Args, ev.Args)
			tl.Slices = append(tl.Slices, newSlice(l, b, b.TS, ev.TS-b.TS))
		case "i", "I", "R":
			in := Instant{Lane: l, TS: ev.TS, Name: ev.Name, Cat: ev.Cat, Args: ev.Args, Hazard: hasCategory(ev.Cat, "hazard")}
			if ev.Scope == "p" || ev.Scope == "g" {
				in.Lane = -1
			}
			tl.Instants = append(tl.Instants, in)
		case "s", "t", "f":
			key := ev.Cat + "\x00" + ev.ID
			prev, ok := flows[key]
			if ev.Ph == "s" {
				if ok {
					tl.OpenFlows++ // a start with no finish, replaced by a new start
				}
				flows[key] = flowPoint{l, ev.TS, ev}
				continue
			}
			if !ok {
				continue // a step or finish with no start: nothing to draw from
			}
			tl.Wakes = append(tl.Wakes, Wake{
				FromLane: prev.lane, From: prev.ts, ToLane: l, To: ev.TS,
				Name: cmp.Or(prev.ev.Name, ev.Name), Cat: ev.Cat, ID: ev.ID,
			})
			if ev.Ph == "f" {
				delete(flows, key)
			} else {
				flows[key] = flowPoint{l, ev.TS, ev}
			}
		}
	}
	tl.OpenFlows += len(flows)
	// A "B" never closed lasts, as far as the trace knows, to its end.
	for l, stack := range open {
		for _, b := range stack {
			s := newSlice(l, b, b.TS, tl.End-b.TS)
			s.Unfinished = true
			tl.Slices = append(tl.Slices, s)
		}
	}
	nameLanes(tl, processNames)
	tl.Lanes, tl.Slices, tl.Instants, tl.Wakes = orderLanes(tl.Lanes, tl.Slices, tl.Instants, tl.Wakes)
	nestSlices(tl)
	bindWakes(tl)
	return tl, nil
}

// isDrawnPhase reports whether the picture draws events of phase ph.
func isDrawnPhase(ph string) bool {
	switch ph {
	case "X", "B", "E", "i", "I", "R", "s", "t", "f":
		return true
	}
	return false
}

// phaseLabel names a phase for the note on what was left out.
func phaseLabel(ph string) string {
	if ph == "" {
		return `""`
	}
	return ph
}

func newSlice(lane int, ev rawEvent, start, dur float64) Slice {
	s := Slice{Lane: lane, Start: start, Dur: dur, Name: ev.Name, Cat: ev.Cat, Args: ev.Args}
	s.Kind = classifySlice(s.Name, s.Cat, s.Args)
	return s
}

// nameLanes gives every lane a label: its thread name, or its tid, prefixed
// by its process when the trace holds several processes.
func nameLanes(tl *Timeline, processNames map[string]string) {
	pids := map[string]bool{}
	for _, l := range tl.Lanes {
		pids[l.PID] = true
	}
	for i := range tl.Lanes {
		l := &tl.Lanes[i]
		if l.Name == "" {
			l.Name = "thread " + cmp.Or(l.TID, "0")
		}
		if len(pids) > 1 {
			l.Process = cmp.Or(processNames[l.PID], "process "+cmp.Or(l.PID, "0"))
		}
	}
}

// orderLanes puts the lanes in reading order: by process; then the
// thread_sort_index the trace gives; then reactors first (the wakes start
// there and flow down to the executors); then by name, numbers compared as
// numbers so "executor 2" comes before "executor 10"; then by tid. Every
// lane index in slices, instants and wakes is renumbered to match.
func orderLanes(lanes []Lane, ss []Slice, ins []Instant, ws []Wake) ([]Lane, []Slice, []Instant, []Wake) {
	order := make([]int, len(lanes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		la, lb := lanes[a], lanes[b]
		if c := naturalCompare(la.Process, lb.Process); c != 0 {
			return c
		}
		if la.hasSortIndex != lb.hasSortIndex {
			if la.hasSortIndex {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(la.sortIndex, lb.sortIndex); c != 0 {
			return c
		}
		ra, rb := isReactorName(la.Name), isReactorName(lb.Name)
		if ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		if c := naturalCompare(la.Name, lb.Name); c != 0 {
			return c
		}
		return naturalCompare(la.TID, lb.TID)
	})
	newIndex := make([]int, len(lanes))
	sorted := make([]Lane, len(lanes))
	for to, from := range order {
		newIndex[from] = to
		sorted[to] = lanes[from]
	}
	for i := range ss {
		ss[i].Lane = newIndex[ss[i].Lane]
	}
	for i := range ins {
		if ins[i].Lane >= 0 {
			ins[i].Lane = newIndex[ins[i].Lane]
		}
	}
	for i := range ws {
		ws[i].FromLane, ws[i].ToLane = newIndex[ws[i].FromLane], newIndex[ws[i].ToLane]
	}
	return sorted, ss, ins, ws
}

// isReactorName reports whether a thread's name says it waits for the OS:
// a reactor or a poller.
func isReactorName(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "reactor") || strings.Contains(n, "poller")
}

// naturalCompare compares strings with runs of digits compared as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitPrefix(a), digitPrefix(b)
		if da != "" && db != "" {
			na, _ := strconv.ParseUint(da, 10, 64)
			nb, _ := strconv.ParseUint(db, 10, 64)
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitPrefix(s string) string {
	i := 0
	for i < len(s) && i < 18 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// nestSlices gives each slice its row: slices nested in another slice of
// the same lane go one row below it, as in chrome://tracing.
func nestSlices(tl *Timeline) {
	slices.SortStableFunc(tl.Slices, func(a, b Slice) int {
		return cmp.Or(cmp.Compare(a.Lane, b.Lane), cmp.Compare(a.Start, b.Start), cmp.Compare(b.Dur, a.Dur))
	})
	for i := range tl.Lanes {
		tl.Lanes[i].Rows = 1
	}
	var ends []float64 // the ends of the slices enclosing the current one
	lane := -1
	for i := range tl.Slices {
		s := &tl.Slices[i]
		if s.Lane != lane {
			lane, ends = s.Lane, ends[:0]
		}
		for len(ends) > 0 && ends[len(ends)-1] <= s.Start {
			ends = ends[:len(ends)-1]
		}
		s.Row = len(ends)
		ends = append(ends, s.End())
		tl.Lanes[lane].Rows = max(tl.Lanes[lane].Rows, s.Row+1)
	}
}

// bindWakes names the slice each wake ends at: the innermost slice on the
// woken lane that contains its end, or else the next one to start after it
// (the format's two ways to bind a flow's end, "bp":"e" and the default).
// Slices are sorted by lane and start (nestSlices).
func bindWakes(tl *Timeline) {
	for i := range tl.Wakes {
		w := &tl.Wakes[i]
		lo, _ := slices.BinarySearchFunc(tl.Slices, w.ToLane, func(s Slice, lane int) int { return cmp.Compare(s.Lane, lane) })
		hi, _ := slices.BinarySearchFunc(tl.Slices, w.ToLane+1, func(s Slice, lane int) int { return cmp.Compare(s.Lane, lane) })
		lane := tl.Slices[lo:hi]
		next := sort.Search(len(lane), func(j int) bool { return lane[j].Start > w.To })
		// Walk back to the first top-level slice: top-level slices do not
		// overlap, so one that started earlier cannot contain the end.
		for j := next - 1; j >= 0; j-- {
			if lane[j].End() >= w.To {
				w.Target = lane[j].Name
				break
			}
			if lane[j].Row == 0 {
				break
			}
		}
		if w.Target == "" && next < len(lane) {
			w.Target = lane[next].Name
		}
	}
}

// hasCategory reports whether the comma-separated category list cats holds c.
func hasCategory(cats, c string) bool {
	for _, one := range strings.Split(cats, ",") {
		if strings.EqualFold(strings.TrimSpace(one), c) {
			return true
		}
	}
	return false
}

func mergeArgs(a, b map[string]any) map[string]any {
	if len(b) == 0 {
		return a
	}
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func argString(args map[string]any, key string) string {
	if s, ok := args[key].(string); ok {
		return s
	}
	if v, ok := args[key]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

func argNumber(args map[string]any, key string) (float64, bool) {
	switch v := args[key].(type) {
	case float64:
		return v, true
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}
