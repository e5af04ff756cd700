//go:build linux || darwin || freebsd

// A waiting request is a few small objects that stay live until its answer
// comes, so a field added to one of them is paid 10,000 times at once, and
// more than its size: Go rounds every allocation up to a size class. This
// test keeps the objects in the classes they fit today.

package main

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

func TestWaitingRequestObjectsFitTheirSizeClasses(t *testing.T) {
	assert.Equal(t, 3*unsafe.Sizeof(uintptr(0)), unsafe.Sizeof(Waker{}),
		"a Waker is copied three times per waiting request (HTTP future, timer, reactor map): keep it to an id and two pointers (the Parker is one pointer)")
	assert.LessOrEqual(t, unsafe.Sizeof(HTTPGetFuture{}), uintptr(128),
		"the HTTP future must fit Go's 128-byte size class: one byte more and every request pays for 144")
	assert.LessOrEqual(t, unsafe.Sizeof(TimeoutFuture[string]{}), uintptr(112),
		"the timeout (its Sleep and Timer inside) must fit Go's 112-byte size class: one byte more and every request pays for 128")
	assert.LessOrEqual(t, unsafe.Sizeof(RequestCoroutine{}), uintptr(64),
		"the request coroutine must fit Go's 64-byte size class: one byte more and every request pays for 80")
}
