//go:build linux || darwin || freebsd

// Tests for the reactor's slab of wakers: registrations that are given back
// free their slots for the next ones, and an event that comes late for a
// registration given back wakes nobody, even once its slot is someone
// else's.

package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/stagetest"
)

// woken reports whether w's task id is in w's ready queue, and takes it out.
func woken(w Waker) bool {
	return len(w.ready.TakeAll(nil)) > 0
}

func TestALateEventOfAForgottenRegistrationWakesNobodyEvenWhenItsSlotIsReused(t *testing.T) {
	r := newIdleReactor(t)
	fd, _ := stagetest.NewPipe(t)
	old, newer := testWaker(1), testWaker(2)
	oldID := r.NextID()
	require.NoError(t, r.SetWaker(oldID, old))
	r.Forget(fd, oldID)
	newID := r.NextID()
	require.NoError(t, r.SetWaker(newID, newer))
	require.Equal(t, oldID&slabIndexMask, newID&slabIndexMask, "the new registration should take the freed slot")

	r.wake(oldID)

	assert.False(t, woken(newer), "an event for a registration given back woke the task that has its slot now: wake must look the id up in the slab, generation and all, not by its slot alone")
	assert.False(t, woken(old), "the forgotten waker must not be called either")
	r.wake(newID)
	assert.True(t, woken(newer), "an event for the new registration must wake its waker")
}

func TestARegistrationGivenBackFreesItsSlot(t *testing.T) {
	r := newIdleReactor(t)
	fd, _ := stagetest.NewPipe(t)

	for i := range 1000 {
		id := r.NextID()
		require.NoError(t, r.SetWaker(id, testWaker(i)))
		r.Forget(fd, id)
	}

	assert.Len(t, r.wakers.slots, 1, "a thousand requests one after the other need one slot between them")
	assert.Zero(t, r.wakers.Len())
}

func TestSetWakerRefusesARegistrationThatIsNotOpen(t *testing.T) {
	r := newIdleReactor(t)
	fd, _ := stagetest.NewPipe(t)
	id := r.NextID()
	require.NoError(t, r.SetWaker(id, testWaker(1)))
	r.Forget(fd, id)
	next := r.NextID()

	err := r.SetWaker(id, testWaker(2))

	require.Error(t, err, "SetWaker with an id given back must fail: setting it would replace the waker of whoever has the slot now")
	assert.Contains(t, err.Error(), "NextID", "the error should say where ids come from")
	assert.Error(t, r.SetWaker(12345, testWaker(3)), "an id NextID never gave out must be refused")
	_, kept := r.wakers.Get(next)
	assert.True(t, kept)
	w, _ := r.wakers.Get(next)
	assert.Equal(t, Waker{}, w, "a refused SetWaker must leave the slot's registration as it was")
}

func TestAnEventBeforeTheRegistrationHasItsWakerWakesNobody(t *testing.T) {
	r := newIdleReactor(t)
	id := r.NextID()

	assert.NotPanics(t, func() { r.wake(id) }, "a registration between NextID and SetWaker holds the zero Waker: wake must skip it, not call it")
}

func TestStopWakesEveryWaitingTaskAndKeepsIdsApart(t *testing.T) {
	r := newIdleReactor(t)
	w := testWaker(1)
	withWaker := r.NextID()
	require.NoError(t, r.SetWaker(withWaker, w))
	reserved := r.NextID()

	r.stop(errors.New("stopped by the test"))

	assert.True(t, woken(w), "stop must wake every task that waits on the reactor")
	assert.Zero(t, r.wakers.Len(), "stop must empty the slab")
	after := r.NextID()
	assert.NotContains(t, []int{withWaker, reserved}, after, "an id handed out after stop must differ from every id before it: an old future's Forget would otherwise free a new registration")
	assert.Error(t, r.SetWaker(after, testWaker(2)), "SetWaker after the event loop has stopped must fail: nothing would ever call the waker")
}
