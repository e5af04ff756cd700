//go:build linux || darwin || freebsd

// After async_main's burst of spawns, the ready queue must not keep the
// room it grew for them: that room would be paid by every waiting request
// for the rest of the run. But an executor whose bursts keep coming must not
// throw the room away and grow it again every round.

package main

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// liveHeap is the heap still in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestReadyQueueGivesBackTheRoomOfAOneOffBurst(t *testing.T) {
	const burst = 100_000
	before := liveHeap()
	q := NewReadyQueue()
	for id := range burst {
		q.Push(id)
	}
	batch := q.TakeAll(nil) // the burst, as async_main's spawns make it
	require.Len(t, batch, burst)
	q.Push(7) // the next round, which hands the burst's slice back
	batch = q.TakeAll(batch)
	require.Equal(t, []int{7}, batch)
	batch = nil

	kept := int64(liveHeap()) - int64(before)
	runtime.KeepAlive(q)

	// A set of 100,000 ids is about 2.8 MB in a Go map, and a slice of
	// them 0.8 MB: keeping either would be far above this bound.
	assert.Less(t, kept, int64(256<<10),
		"after a burst of %d ids that came to a settled queue, the queue must not keep the set and slices it grew for them (it kept %d bytes): take a fresh set in that round, and do not reuse a buffer larger than burstSize",
		burst, kept)
}

func TestReadyQueueGivesBackTheRoomOnceRepeatedBurstsAreOver(t *testing.T) {
	const burst = 100_000
	before := liveHeap()
	q := NewReadyQueue()
	var batch []int
	for range 2 { // the second burst comes before the queue has settled
		for id := range burst {
			q.Push(id)
		}
		batch = q.TakeAll(batch)
		require.Len(t, batch, burst)
	}
	for round := range settleRounds + 1 { // then only small rounds
		q.Push(round)
		batch = q.TakeAll(batch)
		require.Equal(t, []int{round}, batch)
	}
	batch = nil

	kept := int64(liveHeap()) - int64(before)
	runtime.KeepAlive(q)

	assert.Less(t, kept, int64(256<<10),
		"%d small rounds after the last of two bursts of %d ids, the queue must have let go of their room (it kept %d bytes)",
		settleRounds+1, burst, kept)
}

func TestReadyQueueKeepsItsRoomWhileBurstsKeepComing(t *testing.T) {
	q := NewReadyQueue()
	var batch []int
	// One executor round as BenchmarkSpawnPollComplete makes them: the main
	// task alone, then the 2,000 tasks it spawned.
	round := func() {
		q.Push(0)
		batch = q.TakeAll(batch)
		for id := 1; id <= 2*burstSize; id++ {
			q.Push(id)
		}
		batch = q.TakeAll(batch)
	}
	round() // grows the set and both slices

	allocs := testing.AllocsPerRun(10, round)

	assert.Zero(t, allocs,
		"a burst every other round must find the room the last one grew: the queue must keep it until settleRounds rounds in a row have been small")
}

func TestReadyQueueHoldsEachIDOnceAcrossTheEndOfABurst(t *testing.T) {
	q := NewReadyQueue()
	for id := range burstSize + 1 {
		require.True(t, q.Push(id))
	}
	var batch []int
	batch = q.TakeAll(batch)
	require.Len(t, batch, burstSize+1)

	for round := range settleRounds + 2 {
		assert.True(t, q.Push(5), "round %d: an id that was taken is not waiting, so it can be queued again", round)
		assert.False(t, q.Push(5), "round %d: the set must still hold each waiting id once", round)
		assert.True(t, q.Push(2))
		batch = q.TakeAll(batch)
		assert.Equal(t, []int{5, 2}, batch, "round %d", round)
		assert.Zero(t, q.Len())
	}
}
