//go:build linux || darwin || freebsd

package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// An executor that drives its own reactor sleeps inside Turn's wait, so an
// Unpark from another thread must end that wait, not only leave a token.
func TestUnparkEndsTheTurnOfADrivingExecutor(t *testing.T) {
	r := newDrivenTestReactor(t)
	p := NewParker()
	p.driver = r
	turned := make(chan bool, 1)
	go func() { turned <- r.Turn(nil) }() // waits, with nothing to wait for
	require.Eventually(t, r.waiting.Load, generous, time.Millisecond, "Turn must start waiting")

	p.Unpark()

	select {
	case running := <-turned:
		require.True(t, running, "the reactor still runs")
	case <-time.After(generous):
		r.Close() // ends the Turn, so that no goroutine is left behind
		<-turned
		t.Fatal("Unpark left a token but the executor sleeps in its reactor, not on the token: when p.driver is set, Unpark must also call p.driver.WakeDriver()")
	}
}
