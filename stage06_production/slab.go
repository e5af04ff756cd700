//go:build linux || darwin || freebsd

// This file is the slab the executor keeps its tasks in, and the reactor its
// wakers: a slice of slots reused as values come and go, each found by its
// id with one index instead of a map's hashing.

package main

import (
	"fmt"
	"iter"
	"strconv"
)

// An id given out by a Slab is two numbers in one int: the low
// slabIndexBits bits are the slot's index plus one (so that 0, the id of a
// zero Waker, never names a slot, and the first ids are 1, 2, 3 as a
// counter's would be), the bits above them the slot's generation.
const (
	slabIndexBits = 24
	slabIndexMask = 1<<slabIndexBits - 1
	// slabGenBits leaves the sign bit alone, so that ids stay positive: 31
	// bits of generation with a 64-bit int, 7 with a 32-bit one.
	slabGenBits = min(31, strconv.IntSize-1-slabIndexBits)
	slabGenMask = 1<<slabGenBits - 1
	// slabMaxSlots is how many values a Slab holds at most at once.
	slabMaxSlots = slabIndexMask - 1
)

// Slab keeps values in a slice and gives each one an id that finds it again
// by indexing: the executor's tasks live in one, looked up by id at every
// poll, and the reactor's wakers in another, looked up by registration id at
// every event.
//
// Why not a map from id to task: with 10,000 tasks waiting, Go's map costs
// about 44 bytes a task (each key kept beside its value, in groups of slots
// never more than 7/8 full, which double as the map grows). A slot here is
// the value and a generation: 24 bytes for a Task, an interface of two
// words.
//
// A slab stays small because it reuses slots: a removed value's slot goes on
// the free list, and the next Insert takes it. Reuse alone would make ids
// ambiguous. A waker of a finished task still holds the task's id; once
// another task has the slot, that late waker would wake the newcomer instead
// of nobody (the ABA problem: the slot went from A to B, and the old id
// cannot tell). So each slot counts its generation, one more at every
// Remove, and an id carries the generation it was given with: an id of an
// earlier generation finds nothing, exactly as a removed key finds nothing
// in a map. Go's netpoller does the same for its registrations: the value it
// gives epoll is a pointer to the socket's pollDesc tagged with a sequence
// number (fdseq) that goes up each time the pollDesc is reused, and an event
// whose tag is out of date is dropped.
//
// The zero Slab is empty and ready to use. It is not safe for concurrent
// use: only the executor's own goroutine touches its tasks, and the reactor
// reaches its wakers under its mutex.
type Slab[T any] struct {
	slots []slabSlot[T]
	free  []int32 // indexes of the empty slots, the last freed at the end
}

// slabSlot is one place in a Slab.
type slabSlot[T any] struct {
	value    T
	gen      uint32 // how many times this slot has been emptied, modulo 1<<slabGenBits
	occupied bool
}

// slabID is the id of the value in slot index at generation gen.
func slabID(index int, gen uint32) int {
	return int(gen)<<slabIndexBits | (index + 1)
}

// Insert puts value in a free slot, or in a new one when none is free, and
// returns the id that finds it.
//
//workbook:exercise s06-task-slab
func (s *Slab[T]) Insert(value T) int {
	var index int
	if n := len(s.free); n > 0 {
		index = int(s.free[n-1])
		s.free = s.free[:n-1]
	} else {
		if len(s.slots) == slabMaxSlots {
			panic(fmt.Sprintf("slab: more than %d values at once", slabMaxSlots))
		}
		s.slots = append(s.slots, slabSlot[T]{})
		index = len(s.slots) - 1
	}
	slot := &s.slots[index]
	slot.value, slot.occupied = value, true
	return slabID(index, slot.gen)
}

// slot is the slot id names, or nil when id names none that holds a value
// now: an index outside the slab, an empty slot, or a slot that has been
// emptied (and maybe filled again) since id was given out.
//
//workbook:exercise s06-task-slab
func (s *Slab[T]) slot(id int) *slabSlot[T] {
	index := id&slabIndexMask - 1
	if index < 0 || index >= len(s.slots) {
		return nil
	}
	slot := &s.slots[index]
	if !slot.occupied || slot.gen != uint32(id>>slabIndexBits) {
		return nil
	}
	return slot
}

// Get returns the value id names, and whether there is one.
func (s *Slab[T]) Get(id int) (T, bool) {
	slot := s.slot(id)
	if slot == nil {
		var none T
		return none, false
	}
	return slot.value, true
}

// Set replaces the value id names and reports whether there is one to
// replace: an id of an empty slot, or one whose generation differs from
// its slot's, sets nothing.
func (s *Slab[T]) Set(id int, value T) bool {
	slot := s.slot(id)
	if slot == nil {
		return false
	}
	slot.value = value
	return true
}

// Remove takes the value id names out of the slab and returns it, with
// whether there was one. The slot goes on the free list one generation on,
// so that id, and any copy of it, finds nothing from now on.
//
//workbook:exercise s06-task-slab
func (s *Slab[T]) Remove(id int) (removed T, ok bool) {
	slot := s.slot(id)
	if slot == nil {
		return removed, false
	}
	removed = slot.value
	// The slot is emptied whole: no value (the slab must not keep a finished
	// task, and all it holds, alive), not occupied, one generation on.
	*slot = slabSlot[T]{gen: (slot.gen + 1) & slabGenMask}
	s.free = append(s.free, int32(id&slabIndexMask-1))
	return removed, true
}

// Len is the number of values in the slab: every slot holds one, except
// those on the free list.
func (s *Slab[T]) Len() int { return len(s.slots) - len(s.free) }

// All yields the id and value of every value in the slab, in slot order. The
// loop's body may Remove the value it is given.
func (s *Slab[T]) All() iter.Seq2[int, T] {
	return func(yield func(int, T) bool) {
		for index := range s.slots {
			slot := &s.slots[index]
			if slot.occupied && !yield(slabID(index, slot.gen), slot.value) {
				return
			}
		}
	}
}
