package trace

import (
	"cmp"
	"slices"
)

// byTime orders events by the time they happened (a span by its start).
func byTime(a, b Event) int { return cmp.Compare(a.At, b.At) }

// mergeInTimeOrder puts the events of every lane (each lane's chunks, as
// drain returns them) into one slice in time order. Events that happened
// at the same time keep the order of their lanes, then the order in which
// their lane recorded them: what a stable sort of all the lanes' events,
// one lane after the other, gives.
//
// A run of 10,000 requests records about 100,000 events of 160 bytes. A
// stable sort of them all would move each event many times, and copying
// the chunks into one slice first would copy each one more; so each
// lane's events are sorted as pointers (8 bytes each), nearly in order
// already (only a span is recorded when it ends, after the instants that
// happened inside it), and the lanes are then merged, each event copied
// once, into the slice that is returned.
func mergeInTimeOrder(lanes [][][]Event) []Event {
	sorted := make([][]*Event, len(lanes))
	total := 0
	for i, chunks := range lanes {
		for _, chunk := range chunks {
			for j := range chunk {
				sorted[i] = append(sorted[i], &chunk[j])
			}
		}
		slices.SortStableFunc(sorted[i], func(a, b *Event) int { return cmp.Compare(a.At, b.At) })
		total += len(sorted[i])
	}
	out := make([]Event, total)
	for k := range out {
		pick := -1
		for i, events := range sorted {
			if len(events) > 0 && (pick < 0 || events[0].At < sorted[pick][0].At) {
				pick = i
			}
		}
		out[k] = *sorted[pick][0]
		sorted[pick] = sorted[pick][1:]
	}
	return out
}
