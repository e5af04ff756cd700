//go:build linux || darwin || freebsd

// Tests for startExecutors on its own: the "executors" are plain functions
// that wait for one another, return, or panic, so these tests need neither
// an executor nor a reactor nor sockets. Every wait has a deadline, so a
// startExecutors that runs the executors one after the other, or returns
// before they finish, fails instead of hanging.

package main

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startExecutorsInBackground runs startExecutors on its own goroutine and
// returns a channel with its result. A panic there (an unfinished
// exercise) would end the whole test binary, so it becomes the result.
func startExecutorsInBackground(n int, run func(index int) error) <-chan error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("startExecutors panicked: %v", p)
			}
		}()
		done <- startExecutors(n, run)
	}()
	return done
}

func TestStartExecutorsRunsAllExecutorsAtOnce(t *testing.T) {
	const n = 3
	var started sync.WaitGroup
	started.Add(n)
	allStarted := make(chan struct{})
	go func() {
		started.Wait()
		close(allStarted)
	}()

	err := startExecutors(n, func(index int) error {
		started.Done()
		select {
		case <-allStarted:
			return nil
		case <-time.After(5 * time.Second):
			return fmt.Errorf("executor %d waited 5s for the other executors to start: startExecutors must start all %d (go, or wg.Go) before it waits for any", index, n)
		}
	})

	require.NoError(t, err)
}

func TestStartExecutorsReturnsOnlyWhenEveryExecutorHasReturned(t *testing.T) {
	const n = 3
	var started sync.WaitGroup
	started.Add(n)
	release := make(chan struct{})
	var finished atomic.Int32
	done := startExecutorsInBackground(n, func(int) error {
		started.Done()
		<-release
		finished.Add(1)
		return nil
	})
	allStarted := make(chan struct{})
	go func() {
		started.Wait()
		close(allStarted)
	}()
	select {
	case <-allStarted:
	case err := <-done:
		close(release)
		t.Fatalf("startExecutors returned (%v) before its executors had even started", err)
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("not all executors started within 5s: startExecutors must call run(0) ... run(n-1), each on a goroutine of its own")
	}

	select {
	case err := <-done:
		close(release)
		t.Fatalf("startExecutors returned (%v) while its executors were still running: wait for all of them (sync.WaitGroup)", err)
	default:
	}
	close(release)

	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("startExecutors did not return within 5s of its executors returning")
	}
	assert.EqualValues(t, n, finished.Load(), "every executor must have returned before startExecutors does")
}

// TestStartExecutorsReportsAPanicAsThatExecutorsError checks that a panic in
// one executor becomes that executor's error, "executor 1 panicked: boom",
// while the others still run to the end. The panic happens on the goroutine
// startExecutors started for the executor, and only a deferred recover on
// that same goroutine can catch it: a panic that escapes it ends the whole
// test binary, which is why this test may stop all the others.
func TestStartExecutorsReportsAPanicAsThatExecutorsError(t *testing.T) {
	var others atomic.Int32

	var err error
	select {
	case err = <-startExecutorsInBackground(3, func(index int) error {
		if index == 1 {
			panic("boom")
		}
		others.Add(1)
		return nil
	}):
	case <-time.After(5 * time.Second):
		t.Fatal("startExecutors did not return within 5s although every executor had returned or panicked")
	}

	require.Error(t, err, "a panicking executor must end up in startExecutors' error")
	assert.NotContains(t, err.Error(), "startExecutors panicked", "the panic must be recovered on the executor's own goroutine (defer with recover), not escape startExecutors")
	assert.Contains(t, err.Error(), "executor 1 panicked: boom", "the error must say which executor panicked and why")
	assert.EqualValues(t, 2, others.Load(), "the other executors must still run to the end")
}

func TestStartExecutorsJoinsErrorsSoEachCanBeFound(t *testing.T) {
	broke := errors.New("broke")

	err := startExecutors(2, func(index int) error {
		if index == 1 {
			return fmt.Errorf("executor %d: %w", index, broke)
		}
		return nil
	})

	assert.ErrorIs(t, err, broke, "startExecutors must return the executors' errors joined (errors.Join), so errors.Is still finds each")
}
