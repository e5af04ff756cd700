package trace

import (
	"cmp"
	"slices"
)

// byTime orders events by the time they happened (a span by its start).
func byTime(a, b Event) int { return cmp.Compare(a.At, b.At) }

// mergeInTimeOrder turns the records of every lane, as drain returns
// them, into one slice of events in time order. Events that happened at
// the same time keep the order of their lanes, then the order in which
// their lane recorded them: what a stable sort of all the lanes' events,
// one lane after the other, gives.
//
// Each lane's records are put in one slice and sorted there: they hold no
// pointers, so moving them is a plain copy, and they are nearly in order
// already (only a span is recorded when it ends, after the instants that
// happened inside it). The lanes are then merged, each record turned into
// its Event once, in the slice that is returned.
func mergeInTimeOrder(lanes []laneRecords) []Event {
	sorted := make([][]packedEvent, len(lanes))
	total := 0
	for i, lr := range lanes {
		sorted[i] = slices.Concat(lr.chunks...)
		slices.SortStableFunc(sorted[i], func(a, b packedEvent) int { return cmp.Compare(a.at, b.at) })
		total += len(sorted[i])
	}
	out := make([]Event, total)
	for k := range out {
		pick := -1
		for i, records := range sorted {
			if len(records) > 0 && (pick < 0 || records[0].at < sorted[pick][0].at) {
				pick = i
			}
		}
		out[k] = lanes[pick].event(&sorted[pick][0])
		sorted[pick] = sorted[pick][1:]
	}
	return out
}
