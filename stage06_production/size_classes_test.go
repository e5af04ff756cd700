//go:build linux || darwin || freebsd

// A waiting request is a few small objects that stay live until its answer
// comes, so a field added to one of them is paid 10,000 times at once, and
// more than its size: Go rounds every allocation up to a size class. This
// test fails when a field pushes one of them into the next class.

package main

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

func TestWaitingRequestObjectsFitTheirSizeClasses(t *testing.T) {
	assert.Equal(t, 2*unsafe.Sizeof(uintptr(0)), unsafe.Sizeof(Waker{}),
		"a Waker is copied three times per waiting request (HTTP future, timer, reactor map): keep it to an id and one pointer to what every waker of the executor shares (wakeTarget)")
	assert.LessOrEqual(t, unsafe.Sizeof(HTTPGetFuture{}), uintptr(96),
		"the HTTP future must fit Go's 96-byte size class: one byte more and every request pays for 112 (keep state, registered and connected side by side, in one word, and the request's and the answer's bytes in the one slice buf)")
	assert.LessOrEqual(t, unsafe.Sizeof(TimeoutFuture[string]{}), uintptr(80),
		"the timeout (its Sleep and Timer inside) must fit Go's 80-byte size class: one byte more and every request pays for 96 (a Timer is a deadline (an instant, 8 bytes, not a 24-byte time.Time), a waker and an index, and nothing more)")
	assert.LessOrEqual(t, unsafe.Sizeof(RequestCoroutine{}), uintptr(48),
		"the request coroutine must fit Go's 48-byte size class: one byte more and every request pays for 64 (the GET it awaits is a *TimeoutFuture, one word, not a two-word Future interface)")
}

func TestWakersOfOneExecutorShareOneTarget(t *testing.T) {
	q, p := NewReadyQueue(), NewParker()

	first, again := NewWaker(7, q, p), NewWaker(7, q, p)

	assert.Equal(t, first, again, "two wakers of the same task of one executor must compare equal (HTTPGetFuture skips SetWaker when its waker has not changed)")
	assert.Same(t, first.wakeTarget, NewWaker(8, q, p).wakeTarget, "every waker of one executor must share one wakeTarget, not carry a copy of its own")
	allocs := testing.AllocsPerRun(100, func() { _ = NewWaker(9, q, p) })
	assert.Zero(t, allocs, "the executor makes a waker for every poll: NewWaker must reuse the queue's target, not allocate one each time")
}

func TestWakerOfASecondParkerOnOneQueueUnparksThatParker(t *testing.T) {
	q, first, second := NewReadyQueue(), NewParker(), NewParker()
	_ = NewWaker(1, q, first) // the queue's own target

	NewWaker(2, q, second).Wake()

	assert.Len(t, second.token, 1, "a waker made with a parker must unpark that parker, whatever the queue has kept")
	assert.Empty(t, first.token, "the other parker must not be woken")
	assert.Equal(t, []int{2}, q.TakeAll(nil))
}
