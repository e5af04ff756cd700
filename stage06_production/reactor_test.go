//go:build linux || darwin || freebsd

// Tests for the Reactor. They use pipes instead of sockets (the reactor does
// not care what an fd is) and wakers made by hand, so they depend neither on
// the HTTP future nor on the executor.

package main

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/sys/unix"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// writeByte makes the other end of a pipe or socket pair readable: an event
// for the poller.
func writeByte(t *testing.T, w int) {
	t.Helper()
	_, err := unix.Write(w, []byte{1})
	require.NoError(t, err)
}

// newSocketPair returns two connected, non-blocking Unix stream sockets,
// closed when the test ends. Unlike a pipe, each end is both readable and
// writable, as a TCP socket is, so a test can tell the two interests apart
// on one fd.
func newSocketPair(t *testing.T) (a, b int) {
	t.Helper()
	a, b = openSocketPair(t)
	t.Cleanup(func() {
		_ = unix.Close(a)
		_ = unix.Close(b)
	})
	return a, b
}

// openSocketPair is newSocketPair without the cleanup, for a test that
// closes an end itself.
func openSocketPair(t *testing.T) (a, b int) {
	t.Helper()
	// socketpair, then the flags: macOS has no SOCK_NONBLOCK or
	// SOCK_CLOEXEC. The fork lock keeps child processes from inheriting
	// the fds in between (see newPipe).
	syscall.ForkLock.RLock()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err == nil {
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	require.NoError(t, err)
	for _, fd := range fds {
		if err := unix.SetNonblock(fd, true); err != nil {
			_ = unix.Close(fds[0])
			_ = unix.Close(fds[1])
			t.Fatalf("make the socket pair non-blocking: %v", err)
		}
	}
	return fds[0], fds[1]
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

	require.NoError(t, r.Register(rd, idRead, Readable|Writable))
	require.NoError(t, r.Register(wr, idWrite, Readable|Writable))

	assertSocketInterest(t, r.poller, rd, idRead)
	assertSocketInterest(t, r.poller, wr, idWrite)
}

func TestRegisterForReadableOnlyIgnoresRoomToWrite(t *testing.T) {
	r := newIdleReactor(t)
	a, _ := newSocketPair(t)
	id := r.NextID()

	require.NoError(t, r.Register(a, id, Readable))

	w := requireWatched(t, r.poller, a)
	assert.Equal(t, id, w.id, "the socket's events must carry its registration id")
	assert.True(t, w.reads, "a socket registered as Readable must be watched for bytes to read (EPOLLIN, EVFILT_READ)")
	assert.True(t, w.hangUps, "a socket registered as Readable must be watched for the peer hanging up (EPOLLRDHUP, EV_EOF)")
	assert.False(t, w.writes, "a socket registered as Readable must not be reported for having room to write (no EPOLLOUT, no EVFILT_WRITE)")
}

func TestRegisterForWritableOnlyIgnoresBytesToRead(t *testing.T) {
	r := newIdleReactor(t)
	a, _ := newSocketPair(t)
	id := r.NextID()

	require.NoError(t, r.Register(a, id, Writable))

	w := requireWatched(t, r.poller, a)
	assert.Equal(t, id, w.id, "the socket's events must carry its registration id")
	assert.True(t, w.writes, "a socket registered as Writable must be watched for room to write (EPOLLOUT, EVFILT_WRITE)")
	assert.False(t, w.reads, "a socket registered as Writable only must not be reported when a byte arrives (no EPOLLIN, no EVFILT_READ)")
}

func TestRegisterRefusesAnEmptyInterest(t *testing.T) {
	r := newIdleReactor(t)
	rd, _ := stagetest.NewPipe(t)

	err := r.Register(rd, r.NextID(), 0)

	require.Error(t, err, "a registration that asks for nothing would never wake its task: refuse it")
	assert.Contains(t, err.Error(), "neither Readable nor Writable")
	assert.NoError(t, r.Register(rd, r.NextID(), Readable), "the refused registration must not have put the fd on the poller")
}

func TestDeregisterRemovesWhatEachInterestAdded(t *testing.T) {
	r := newIdleReactor(t)
	for _, interest := range []Interest{Readable, Writable, Readable | Writable} {
		a, _ := newSocketPair(t)
		id := r.NextID()
		require.NoError(t, r.Register(a, id, interest))

		require.NoError(t, r.Deregister(a, id), "Deregister must remove what Register added for interest %#x, no more, no less", uint8(interest))

		assertNotWatched(t, r.poller, a, fmt.Sprintf("after Deregister the socket must produce no events (interest %#x)", uint8(interest)))
	}
}

func TestRegisterPutsIDNotFDInEventData(t *testing.T) {
	r := newIdleReactor(t)
	rd, _ := stagetest.NewPipe(t)
	id := 1<<40 + 5 // an id no fd could be, using both halves of epoll's data

	require.NoError(t, r.Register(rd, id, Readable|Writable))

	assert.Equal(t, id, requireWatched(t, r.poller, rd).id,
		"the fd's events must carry the registration id, not the fd (fd numbers are reused; ids are not): see add in the poller")
}

func TestEventWakesWakerOfItsID(t *testing.T) {
	r := newTestReactor(t)
	rd, wr := stagetest.NewPipe(t)
	id := r.NextID()
	w := testWaker(11)
	require.NoError(t, r.SetWaker(id, w))
	require.NoError(t, r.Register(rd, id, Readable|Writable))

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
	require.NoError(t, r.Register(rd, id, Readable|Writable))

	writeByte(t, wr)

	waitWoken(t, later, "the event must wake the waker of the latest SetWaker")
	assert.Zero(t, earlier.ready.Len(), "a replaced waker must not be woken: SetWaker replaces, it does not add")
	requireStillRunning(t, r)
}

func TestEventForIDWithoutWakerIsDropped(t *testing.T) {
	r := newTestReactor(t)
	rd, wr := stagetest.NewPipe(t)
	id := r.NextID()
	require.NoError(t, r.Register(rd, id, Readable|Writable))
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
	require.NoError(t, r.Register(rd1, id1, Readable|Writable))
	require.NoError(t, r.Register(rd2, id2, Readable|Writable))

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
	require.NoError(t, r.Register(rd, id, Readable|Writable))

	require.NoError(t, r.Deregister(rd, id))

	assertNotWatched(t, r.poller, rd, "after Deregister the fd must be off the poller's watch list")
	r.mu.Lock()
	defer r.mu.Unlock()
	_, kept := r.wakers.Get(id)
	assert.False(t, kept, "Deregister must forget the id's waker and free its slot, or the slab grows with every request")
	assert.Zero(t, r.wakers.Len())
}

func TestRegisterTwiceReportsError(t *testing.T) {
	r := newTestReactor(t)
	rd, _ := stagetest.NewPipe(t)
	require.NoError(t, r.Register(rd, r.NextID(), Readable|Writable))

	err := r.Register(rd, r.NextID(), Readable|Writable)

	assert.ErrorIs(t, err, unix.EEXIST, "registering an fd twice is a bug and must be reported, not ignored")
}

func TestDeregisterUnknownFDReportsError(t *testing.T) {
	r := newTestReactor(t)
	rd, _ := stagetest.NewPipe(t)

	err := r.Deregister(rd, r.NextID())

	assert.ErrorIs(t, err, unix.ENOENT, "deregistering an fd that was never registered must be reported")
}

func TestCloseStopsEventLoopAndReleasesFDs(t *testing.T) {
	goroutinesBefore := goleak.IgnoreCurrent()
	fdsBefore := stagetest.OpenFDs(t)
	r, err := NewReactor()
	require.NoError(t, err)
	require.Equal(t, fdsBefore+pollerFDs, stagetest.OpenFDs(t), "a reactor owns %d fds (see pollerFDs)", pollerFDs)

	require.NoError(t, r.Close())

	select {
	case <-r.loopDone:
	default:
		t.Fatal("Close returned before the event loop did: Close must wait for the reactor's thread")
	}
	assert.Equal(t, fdsBefore, stagetest.OpenFDs(t), "Close must close the poller's fds (epoll and eventfd, or kqueue)")
	goleak.VerifyNone(t, goroutinesBefore)
}

func TestCreateAndCloseManyReactors(t *testing.T) {
	goroutinesBefore := goleak.IgnoreCurrent()
	fdsBefore := stagetest.OpenFDs(t)

	for i := range 200 {
		r, err := NewReactor()
		require.NoError(t, err, "reactor %d", i)
		require.NoError(t, r.Close(), "reactor %d", i)
	}

	assert.Equal(t, fdsBefore, stagetest.OpenFDs(t), "200 reactors created and closed must leave no fd behind")
	goleak.VerifyNone(t, goroutinesBefore)
}

func TestCloseWithEventsPendingStillStops(t *testing.T) {
	r, err := NewReactor()
	require.NoError(t, err)
	rd, wr := stagetest.NewPipe(t)
	id := r.NextID()
	require.NoError(t, r.SetWaker(id, testWaker(1)))
	require.NoError(t, r.Register(rd, id, Readable|Writable))
	writeByte(t, wr)

	done := make(chan error, 1)
	go func() { done <- r.Close() }()

	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return within 5s: does the event loop stop on the interrupt's event (wakeID, with closing set)?")
	}
}

func TestCloseWakesWaitingTasks(t *testing.T) {
	r, err := NewReactor()
	require.NoError(t, err)
	w := testWaker(1)
	require.NoError(t, r.SetWaker(r.NextID(), w))

	require.NoError(t, r.Close())

	waitWoken(t, w, "Close must wake the tasks still waiting on the reactor, so they can find out and fail instead of sleeping for ever")
}

func TestClosedReactorRefusesWakersAndRegistrations(t *testing.T) {
	r, err := NewReactor()
	require.NoError(t, err)
	rd, _ := stagetest.NewPipe(t)
	require.NoError(t, r.Close())

	assert.ErrorIs(t, r.SetWaker(r.NextID(), testWaker(1)), ErrReactorClosed, "SetWaker after Close must fail: nothing would ever call the waker")
	assert.ErrorIs(t, r.Register(rd, r.NextID(), Readable|Writable), ErrReactorClosed, "Register after Close must fail")
	assert.NoError(t, r.Deregister(rd, 1), "Deregister after Close has nothing to do and must not touch the closed poller")
}

func TestRegisterReportsWhatThePollerRefuses(t *testing.T) {
	r := newIdleReactor(t)
	rd, _ := stagetest.NewPipe(t)
	require.NoError(t, r.Register(rd, r.NextID(), Readable))

	err := r.Register(rd, r.NextID(), Readable)

	assert.ErrorIs(t, err, unix.EEXIST,
		"the poller refuses an fd it already watches: Register (and the poller's add) must hand that error back, not drop it, or the caller believes a socket is watched whose events will never come")
}

func TestRegisterRefusesAStoppedReactor(t *testing.T) {
	r := newIdleReactor(t)
	rd, _ := stagetest.NewPipe(t)
	failed := errors.New("wait failed")
	r.stop(failed) // as the event loop does when the poller's wait fails; the reactor is stopped, not closed

	err := r.Register(rd, r.NextID(), Readable)

	assert.ErrorIs(t, err, failed,
		"a reactor whose event loop has stopped wakes nobody: Register must refuse with the reason it stopped (r.err()), so the future fails now instead of waiting for ever")
}

func TestCloseTwiceIsHarmless(t *testing.T) {
	r, err := NewReactor()
	require.NoError(t, err)
	require.NoError(t, r.Close())

	assert.NoError(t, r.Close(), "a second Close must return the first one's result, not close fds again")
}

func TestClosedReactorsLeaveNoThreads(t *testing.T) {
	before := osThreads(t)
	const reactors = 50

	for i := range reactors {
		r, err := NewReactor()
		require.NoError(t, err, "reactor %d", i)
		rd, wr := stagetest.NewPipe(t)
		id := r.NextID()
		w := testWaker(1)
		require.NoError(t, r.SetWaker(id, w))
		require.NoError(t, r.Register(rd, id, Readable|Writable))
		writeByte(t, wr)
		waitWoken(t, w) // the event loop has certainly run on its thread
		require.NoError(t, r.Close(), "reactor %d", i)
	}

	// The Go runtime may keep a few idle threads of its own; what must not
	// happen is one thread left per reactor.
	assert.Less(t, osThreads(t), before+reactors/5,
		"%d reactors created and closed left the process with %d threads (from %d): does the event-loop goroutine end, and does it stay locked so Go ends its thread with it?", reactors, osThreads(t), before)
}

func TestSetWakerReplacesTheEarlierWaker(t *testing.T) {
	r := newIdleReactor(t)
	id := r.NextID()
	earlier, later := testWaker(1), testWaker(2)

	require.NoError(t, r.SetWaker(id, earlier))
	require.NoError(t, r.SetWaker(id, later))

	r.mu.Lock()
	defer r.mu.Unlock()
	kept, ok := r.wakers.Get(id)
	assert.True(t, ok)
	assert.Equal(t, later, kept, "the reactor must keep the latest waker for an id: a later poll's waker replaces the earlier one")
	assert.Equal(t, 1, r.wakers.Len(), "one waker per id, not one per call")
}
