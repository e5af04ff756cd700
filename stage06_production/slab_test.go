//go:build linux || darwin || freebsd

// Tests for the Slab that holds the executor's tasks, then for the executor
// using it: a late wake-up must find nothing, even when a new task has taken
// the finished one's slot.

package main

import (
	"runtime"
	"testing"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSlabIdsStartAtOneAndFindTheirValues(t *testing.T) {
	var s Slab[string]

	a, b := s.Insert("a"), s.Insert("b")

	assert.Equal(t, []int{1, 2}, []int{a, b}, "the first ids are 1, 2, ...: an id is its slot's index plus one, so that 0 (a zero Waker's id) names no slot")
	got, ok := s.Get(b)
	assert.True(t, ok)
	assert.Equal(t, "b", got)
	_, ok = s.Get(0)
	assert.False(t, ok, "id 0 must name nothing")
	_, ok = s.Get(3)
	assert.False(t, ok, "an id past the last slot must name nothing")
	assert.Equal(t, 2, s.Len())
}

func TestSlabReusesTheSlotOfARemovedValue(t *testing.T) {
	var s Slab[int]
	keep := s.Insert(-1)

	for i := range 1000 {
		id := s.Insert(i)
		got, ok := s.Remove(id)
		require.True(t, ok, "Remove must find the value Insert has just put in")
		require.Equal(t, i, got, "Remove must return the value it takes out")
	}

	assert.Len(t, s.slots, 2, "a thousand tasks one after the other need one slot between them: Remove must put the slot on the free list and Insert take it from there, or the slab grows with every task ever spawned")
	assert.Equal(t, 1, s.Len())
	got, ok := s.Get(keep)
	assert.True(t, ok, "reusing a slot must not disturb the others")
	assert.Equal(t, -1, got)
}

func TestEveryFreedSlotIsGivenOutOnce(t *testing.T) {
	var s Slab[int]
	var ids []int
	for i := range 4 {
		ids = append(ids, s.Insert(i))
	}
	for _, id := range ids {
		s.Remove(id)
	}

	again := map[int]int{}
	for i := range 6 {
		again[s.Insert(10+i)] = 10 + i
	}

	assert.Len(t, again, 6, "six Inserts must give six different ids")
	for id, want := range again {
		got, ok := s.Get(id)
		assert.True(t, ok, "id %d finds nothing: was its slot given out twice?", id)
		assert.Equal(t, want, got, "id %d finds another value: its slot was given out twice", id)
	}
	assert.Len(t, s.slots, 6, "the four freed slots are used first, then two new ones")
}

func TestAnIdOfARemovedValueFindsNothingEvenWhenItsSlotIsTakenAgain(t *testing.T) {
	var s Slab[string]
	old := s.Insert("finished task")
	_, ok := s.Remove(old)
	require.True(t, ok)

	newer := s.Insert("new task")

	require.Equal(t, old&slabIndexMask, newer&slabIndexMask, "the new value should take the freed slot")
	assert.NotEqual(t, old, newer, "the slot's id must change when it is reused: the generation is part of the id")
	_, ok = s.Get(old)
	assert.False(t, ok, "an id from before the slot was emptied must find nothing: a late waker of the finished task would otherwise reach the new one")
	_, ok = s.Remove(old)
	assert.False(t, ok, "removing with an old id must not take out the slot's new value")
	got, ok := s.Get(newer)
	assert.True(t, ok)
	assert.Equal(t, "new task", got)
	_, ok = s.Remove(newer)
	assert.True(t, ok)
	_, ok = s.Remove(newer)
	assert.False(t, ok, "a value is removed once; a second Remove finds nothing")
}

func TestAllGenerationsOfASlotHaveTheirOwnId(t *testing.T) {
	var s Slab[int]
	seen := map[int]bool{}

	for i := range 100 {
		id := s.Insert(i)
		assert.False(t, seen[id], "generation %d of the slot got id %d again", i, id)
		assert.Positive(t, id)
		seen[id] = true
		s.Remove(id)
	}
}

func TestIdsStayPositiveWhenAGenerationWraps(t *testing.T) {
	var s Slab[int]
	first := s.Insert(1)
	s.slots[0].gen = slabGenMask // as if the slot had been emptied that often
	last := slabID(0, slabGenMask)
	_, ok := s.Get(first)
	require.False(t, ok)

	_, ok = s.Remove(last)
	require.True(t, ok)
	_, ok = s.Get(first)
	assert.False(t, ok, "an empty slot must find nothing, even for an id of the generation it is at now")
	again := s.Insert(2)

	assert.Equal(t, first, again, "after its last generation a slot starts again at generation 0")
	assert.Positive(t, last, "the largest generation must still give a positive id")
}

func TestRemoveLetsGoOfTheValue(t *testing.T) {
	var s Slab[*[1024]byte]
	value := new([1024]byte)
	collected := weak.Make(value)
	id := s.Insert(value)
	value = nil

	_, ok := s.Remove(id)
	require.True(t, ok)

	for range 5 {
		runtime.GC()
		if collected.Value() == nil {
			break
		}
	}
	assert.Nil(t, collected.Value(), "Remove must clear the slot's value: a finished task left in its slot stays in memory, with everything it holds, until another task takes the slot")
	assert.Len(t, s.slots, 1)
}

func TestAllYieldsEveryValueAndItsLoopMayRemoveIt(t *testing.T) {
	var s Slab[string]
	ids := map[string]int{}
	for _, v := range []string{"a", "b", "c", "d"} {
		ids[v] = s.Insert(v)
	}
	s.Remove(ids["b"])

	got := map[string]int{}
	for id, v := range s.All() {
		got[v] = id
		_, ok := s.Remove(id)
		assert.True(t, ok, "the id All yields must be the one that finds the value")
	}

	assert.Equal(t, map[string]int{"a": ids["a"], "c": ids["c"], "d": ids["d"]}, got, "All yields the values in the slab, not the removed one")
	assert.Zero(t, s.Len())
}

func TestALateWakeOfAFinishedTaskDoesNotPollTheTaskThatTookItsSlot(t *testing.T) {
	e := NewExecutor("main", nil)
	var lateID int
	finished := &funcTask{poll: func(_ int, w Waker) Poll[struct{}] {
		lateID = w.id
		return Ready(struct{}{})
	}}
	e.Spawn(finished)
	require.NoError(t, e.pollReady())
	waiting := &funcTask{poll: func(int, Waker) Poll[struct{}] { return Pending[struct{}]() }}
	e.Spawn(waiting)
	require.NoError(t, e.pollReady())
	require.Equal(t, 1, waiting.Polls())

	// What a late Wake of the finished task's waker does, minus the
	// Unpark: its id goes on the ready queue.
	e.ready.Push(lateID)
	require.NoError(t, e.pollReady())

	assert.Equal(t, 1, waiting.Polls(), "a waker of a finished task was called, and the executor polled the task that has its slot now: the id must carry the slot's generation, and the slab must find nothing for an old one")
	assert.Equal(t, 1, e.tasks.Len())
}

func TestAStaleIdInABatchDoesNotHideTheIdsAfterIt(t *testing.T) {
	e := NewExecutor("main", nil)
	var lateID int
	e.Spawn(&funcTask{poll: func(_ int, w Waker) Poll[struct{}] {
		lateID = w.id
		return Ready(struct{}{})
	}})
	require.NoError(t, e.pollReady())
	var waitingID int
	waiting := &funcTask{poll: func(_ int, w Waker) Poll[struct{}] {
		waitingID = w.id
		return Pending[struct{}]()
	}}
	e.Spawn(waiting)
	require.NoError(t, e.pollReady())
	require.NotEqual(t, lateID, waitingID, "the waiting task reuses the finished one's slot, one generation on")
	require.Equal(t, 1, waiting.Polls())

	// One batch: first the finished task's late id, then a real wake-up.
	e.ready.Push(lateID)
	e.ready.Push(waitingID)
	require.NoError(t, e.pollReady())

	assert.Equal(t, 2, waiting.Polls(), "a woken id that finds no task must be skipped, not end the round: the ids after it in the batch are still to be polled")
}
