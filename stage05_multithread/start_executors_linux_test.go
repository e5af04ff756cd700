//go:build linux

// The part of startExecutors' tests that needs Linux: thread ids
// (gettid) and the list of the process's threads (/proc/self/task).

package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestStartExecutorsRunsEachOnItsOwnLockedThread(t *testing.T) {
	const n = 4
	var mu sync.Mutex
	tids := map[int]int{}
	var started sync.WaitGroup
	started.Add(n)
	allStarted := make(chan struct{})
	go func() {
		started.Wait()
		close(allStarted)
	}()

	err := startExecutors(n, func(index int) error {
		tid := unix.Gettid()
		started.Done()
		// Hold every executor until all have started, so that none can
		// finish and hand its thread on to the next.
		select {
		case <-allStarted:
		case <-time.After(5 * time.Second):
			return fmt.Errorf("executor %d waited 5s for the others to start", index)
		}
		// Park and resume many times: a goroutine that is not locked to
		// its thread resumes on whichever thread is free.
		for range 200 {
			ping := make(chan struct{})
			go func() { close(ping) }()
			<-ping
			runtime.Gosched()
			if now := unix.Gettid(); now != tid {
				return fmt.Errorf("executor %d moved from thread %d to %d: its goroutine must be locked to its OS thread (runtime.LockOSThread)", index, tid, now)
			}
		}
		mu.Lock()
		tids[index] = tid
		mu.Unlock()
		return nil
	})

	require.NoError(t, err)
	require.Len(t, tids, n, "run must be called once per executor index")
	distinct := map[int]bool{}
	for _, tid := range tids {
		distinct[tid] = true
	}
	assert.Len(t, distinct, n, "every executor must have an OS thread of its own; thread ids were %v", tids)
}

func TestStartExecutorsLeavesNoThreadBehind(t *testing.T) {
	const n = 3
	var mu sync.Mutex
	var tids []int
	var started sync.WaitGroup
	started.Add(n)
	allStarted := make(chan struct{})
	go func() {
		started.Wait()
		close(allStarted)
	}()

	require.NoError(t, startExecutors(n, func(index int) error {
		mu.Lock()
		tids = append(tids, unix.Gettid())
		mu.Unlock()
		started.Done()
		// Held until all have started, the executors are on n threads at
		// once, so at most one of them can be the main thread.
		select {
		case <-allStarted:
			return nil
		case <-time.After(5 * time.Second):
			return fmt.Errorf("executor %d waited 5s for the others to start", index)
		}
	}))

	// A goroutine that returns while locked takes its thread with it: Go
	// ends the thread instead of reusing it. One that unlocked, or never
	// locked, leaves its thread to Go's pool, where it stays.
	for _, tid := range tids {
		if tid == os.Getpid() {
			// The process's main thread cannot end: when a locked
			// goroutine returns on it, Go parks the thread for good
			// instead. It is still not handed to anything else.
			continue
		}
		require.Eventually(t, func() bool {
			_, err := os.Stat(fmt.Sprintf("/proc/self/task/%d", tid))
			return os.IsNotExist(err)
		}, 5*time.Second, time.Millisecond,
			"thread %d outlived its executor: lock the goroutine to its thread and never unlock, so that Go ends the thread when the executor returns", tid)
	}
}
