//go:build linux || darwin || freebsd

// After async_main's burst of spawns, the ready queue must not keep the
// room it grew for them: that room would be paid by every waiting request
// for the rest of the run.

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

func TestReadyQueueLetsGoOfTheRoomABurstTook(t *testing.T) {
	const burst = 100_000
	before := liveHeap()
	q := NewReadyQueue()
	for id := range burst {
		q.Push(id)
	}
	batch := q.TakeAll(nil) // the burst
	require.Len(t, batch, burst)
	batch = q.TakeAll(batch) // the next round hands the burst's slice back
	require.Empty(t, batch)
	batch = nil

	kept := int64(liveHeap()) - int64(before)
	runtime.KeepAlive(q)

	// A set of 100,000 ids is about 2.8 MB in a Go map, and a slice of
	// them 0.8 MB: keeping either would be far above this bound.
	assert.Less(t, kept, int64(256<<10),
		"after a burst of %d ids has been taken, the queue must not keep the set and slices it grew for them (it kept %d bytes): take a fresh set when the batch is larger than burstSize, and do not reuse a buffer that large",
		burst, kept)
}

func TestReadyQueueWorksAfterABurst(t *testing.T) {
	q := NewReadyQueue()
	for id := range burstSize + 1 {
		require.True(t, q.Push(id))
	}
	require.Len(t, q.TakeAll(nil), burstSize+1)

	assert.True(t, q.Push(5), "an id taken in a burst is not waiting any more, so it can be queued again")
	assert.False(t, q.Push(5), "the fresh set must still hold each id once")
	assert.True(t, q.Push(2))
	assert.Equal(t, []int{5, 2}, q.TakeAll(nil))
	assert.Zero(t, q.Len())
}
