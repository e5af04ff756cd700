//go:build linux

// A test of startExecutors that needs a thread id, which only Linux gives
// through x/sys/unix (gettid); macOS and FreeBSD have their own calls, not
// wrapped there. The other startExecutors tests run everywhere.

package main

import (
	"fmt"
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
	allStarted := make(chan struct{})
	var started sync.WaitGroup
	started.Add(n)
	go func() {
		started.Wait()
		close(allStarted)
	}()

	err := startExecutors(n, func(index int) error {
		tid := unix.Gettid()
		started.Done()
		// Hold every executor until all have started, so none can hand
		// its thread on to the next.
		<-allStarted
		for range 100 {
			if unix.Gettid() != tid {
				return fmt.Errorf("executor %d moved from thread %d to %d: it must be locked to its OS thread", index, tid, unix.Gettid())
			}
			time.Sleep(0) // a chance to be moved, were it not locked
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
