//go:build linux || darwin || freebsd

// Tests for the Reactor. They use pipes instead of sockets (the reactor does
// not care what an fd is) and wakers made by hand, so they depend neither on
// the HTTP future nor on the executor.

package main

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// writeByte makes the pipe's read end readable: an event for the poller.
func writeByte(t *testing.T, w int) {
	t.Helper()
	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)
}

// requireStillRunning fails the test if the reactor's event loop has
// stopped: a stopping reactor wakes every task, which must not be mistaken
// for the event loop doing its job.
func requireStillRunning(t *testing.T, r *Reactor) {
	t.Helper()
	require.NoError(t, r.err(), "the event loop must still be running after serving the event")
}

func TestNextIDNeverRepeatsAcrossGoroutines(t *testing.T) {
	r := newTestReactor(t)
	var mu sync.Mutex
	seen := map[int]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 500 {
				id := r.NextID()
				mu.Lock()
				assert.False(t, seen[id], "NextID handed out %d twice", id)
				seen[id] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	assert.Len(t, seen, 4000)
	assert.False(t, seen[0], "ids start at 1")
}

func TestRegisterWatchesFDWithSocketInterest(t *testing.T) {
	r := newIdleReactor(t)
	rd, wr := stagetest.NewPipe(t)
	idRead, idWrite := r.NextID(), r.NextID()

	require.NoError(t, r.Register(rd, idRead))
	require.NoError(t, r.Register(wr, idWrite))

	assertSocketInterest(t, r.poller, rd, idRead)
	assertSocketInterest(t, r.poller, wr, idWrite)
}

func TestRegisterPutsIDNotFDInEventData(t *testing.T) {
	r := newIdleReactor(t)
	rd, _ := stagetest.NewPipe(t)
	id := 1<<40 + 5 // an id no fd could be, using both halves of epoll's data

	require.NoError(t, r.Register(rd, id))

	assert.Equal(t, id, requireWatched(t, r.poller, rd).id,
		"the fd's events must carry the registration id, not the fd (fd numbers are reused; ids are not): see add in the poller")
}

func TestEventWakesWakerOfItsID(t *testing.T) {
	r := newTestReactor(t)
	rd, wr := stagetest.NewPipe(t)
	id := r.NextID()
	w := testWaker(11)
	require.NoError(t, r.SetWaker(id, w))
	require.NoError(t, r.Register(rd, id))

	writeByte(t, wr)

	waitWoken(t, w, "an event on a registered fd must wake the waker set for its id (look at eventLoop and wake)")
	requireStillRunning(t, r)
}

func TestLatestWakerWins(t *testing.T) {
	r := newTestReactor(t)
	rd, wr := stagetest.NewPipe(t)
	id := r.NextID()
	earlier, later := testWaker(1), testWaker(2)
	require.NoError(t, r.SetWaker(id, earlier))
	require.NoError(t, r.SetWaker(id, later))
	require.NoError(t, r.Register(rd, id))

	writeByte(t, wr)

	waitWoken(t, later, "the event must wake the waker of the latest SetWaker")
	assert.Zero(t, earlier.ready.Len(), "a replaced waker must not be woken: SetWaker replaces, it does not add")
	requireStillRunning(t, r)
}

func TestEventForIDWithoutWakerIsDropped(t *testing.T) {
	r := newTestReactor(t)
	rd, wr := stagetest.NewPipe(t)
	id := r.NextID()
	require.NoError(t, r.Register(rd, id))
	writeByte(t, wr) // an event nobody waits for

	w := testWaker(1)
	require.NoError(t, r.SetWaker(id, w))
	writeByte(t, wr)

	waitWoken(t, w, "after an event for an id without a waker, the event loop must carry on and serve the next event")
	requireStillRunning(t, r)
}

func TestEventsOfTwoRegistrationsWakeTheirOwnWakers(t *testing.T) {
	r := newTestReactor(t)
	rd1, _ := stagetest.NewPipe(t)
	rd2, wr2 := stagetest.NewPipe(t)
	id1, id2 := r.NextID(), r.NextID()
	w1, w2 := testWaker(1), testWaker(2)
	require.NoError(t, r.SetWaker(id1, w1))
	require.NoError(t, r.SetWaker(id2, w2))
	require.NoError(t, r.Register(rd1, id1))
	require.NoError(t, r.Register(rd2, id2))

	writeByte(t, wr2)

	waitWoken(t, w2)
	assert.Zero(t, w1.ready.Len(), "an event on the second fd must not wake the first fd's task")
	requireStillRunning(t, r)
}

func TestDeregisterRemovesFDAndWaker(t *testing.T) {
	r := newIdleReactor(t)
	rd, _ := stagetest.NewPipe(t)
	id := r.NextID()
	require.NoError(t, r.SetWaker(id, testWaker(1)))
	require.NoError(t, r.Register(rd, id))

	require.NoError(t, r.Deregister(rd, id))

	assertNotWatched(t, r.poller, rd, "after Deregister the fd must be off the poller's watch list")
	r.mu.Lock()
	defer r.mu.Unlock()
	assert.NotContains(t, r.wakers, id, "Deregister must forget the id's waker, or the map grows with every request")
}

func TestRegisterTwiceReportsError(t *testing.T) {
	r := newIdleReactor(t)
	rd, _ := stagetest.NewPipe(t)
	require.NoError(t, r.Register(rd, r.NextID()))

	err := r.Register(rd, r.NextID())

	assert.ErrorIs(t, err, unix.EEXIST, "registering an fd twice is a bug and must be reported, not ignored")
}

func TestDeregisterUnknownFDReportsError(t *testing.T) {
	r := newTestReactor(t)
	rd, _ := stagetest.NewPipe(t)

	err := r.Deregister(rd, r.NextID())

	assert.ErrorIs(t, err, unix.ENOENT, "deregistering an fd that was never registered must be reported")
}

func TestSetWakerReplacesTheEarlierWaker(t *testing.T) {
	r := newIdleReactor(t)
	id := r.NextID()
	earlier, later := testWaker(1), testWaker(2)

	require.NoError(t, r.SetWaker(id, earlier))
	require.NoError(t, r.SetWaker(id, later))

	r.mu.Lock()
	defer r.mu.Unlock()
	assert.Equal(t, later, r.wakers[id], "the reactor must keep the latest waker for an id: a later poll's waker replaces the earlier one")
	assert.Len(t, r.wakers, 1, "one waker per id, not one per call")
}
