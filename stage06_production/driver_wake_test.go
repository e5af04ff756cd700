//go:build linux || darwin || freebsd

// Tests for how a wake reaches an executor that drives its own reactor: such
// an executor sleeps in the poller's wait, not on its parker's token, so
// Unpark must also interrupt that wait (Reactor.WakeDriver, wakeLoop). The
// reactor here has a poller but no event loop and nobody inside its wait:
// the tests raise the waiting flag by hand and look at the interrupt.

package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnparkInterruptsTheWaitOfADrivingExecutor(t *testing.T) {
	r := newIdleReactor(t)
	p := NewParker()
	p.driver = r
	r.waiting.Store(true) // as if the driving executor were inside Turn's wait

	p.Unpark()

	assert.Len(t, p.token, 1, "Unpark must still leave its token")
	assert.True(t, interruptPending(t, r.poller),
		"Unpark of a driving executor must interrupt the reactor's wait (p.driver.WakeDriver()): that executor sleeps in the poller, and the token alone would never reach it")
}

func TestUnparkOfAnExecutorWithoutReactorOnlyLeavesItsToken(t *testing.T) {
	p := NewParker()

	p.Unpark() // p.driver is nil: there is no wait to interrupt

	assert.Len(t, p.token, 1, "Unpark must leave a token")
}

func TestWakeLoopInterruptsTheWait(t *testing.T) {
	r := newIdleReactor(t)

	require.NoError(t, r.wakeLoop())

	assert.True(t, interruptPending(t, r.poller), "wakeLoop must go through the poller's interrupt, which the wait reports as wakeID")
	assertFdLifeReleased(t, r, "wakeLoop")
}

func TestWakeLoopRefusesAClosedReactor(t *testing.T) {
	r := newIdleReactor(t)
	r.closed = true // as Close leaves it, once the poller's fds are closed

	err := r.wakeLoop()

	assert.ErrorIs(t, err, ErrReactorClosed,
		"once the reactor is closed its poller's fd numbers may belong to other files: wakeLoop must check r.closed (holding fdLife for reading) and refuse")
	assert.False(t, interruptPending(t, r.poller), "a closed reactor must not be interrupted")
	assertFdLifeReleased(t, r, "wakeLoop, refusing a closed reactor,")
}

// assertFdLifeReleased fails when who left the reactor's fdLife lock held:
// Close takes it for writing, and would wait for ever.
func assertFdLifeReleased(t *testing.T, r *Reactor, who string) {
	t.Helper()
	if !r.fdLife.TryLock() {
		t.Errorf("%s returned holding r.fdLife: release it on every path (defer r.fdLife.RUnlock() right after RLock), or Close, which takes it for writing, waits for ever", who)
		return
	}
	r.fdLife.Unlock()
}
