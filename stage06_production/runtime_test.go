//go:build linux || darwin || freebsd

// Tests for runRuntime: executors on OS threads, each with a reactor of its
// own or all sharing one, against an in-process delay server.

package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

func TestRuntimeCompletesEveryRequestOfEveryExecutor(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(placementName(shared), func(t *testing.T) {
			tgt, srv := startServer(t)
			p := Plan{Executors: 4, Requests: 25, Delay: 100 * time.Millisecond, FixedDelay: true, SharedReactor: shared}
			var out syncbuf.Buffer
			r := NewResults(&out, false)

			require.NoError(t, runRuntime(context.Background(), tgt, p, r))

			assert.Equal(t, 100, r.OK(), "every request of every executor must succeed; first failure: %v", r.FirstError())
			assert.Zero(t, r.Failed())
			assert.EqualValues(t, 100, srv.Requests(), "the server must see each request once")
			for e := range 4 {
				for i := range 25 {
					assert.Contains(t, out.String(), fmt.Sprintf("executor %d, request %d: HelloWorld%d\n", e, i, i))
				}
				assert.Contains(t, out.String(), fmt.Sprintf("executor-%d: All tasks are finished\n", e), "each executor says when it is done")
			}
		})
	}
}

func TestRuntimeQuietPrintsNothing(t *testing.T) {
	tgt, _ := startServer(t)
	var out syncbuf.Buffer
	r := NewResults(&out, true)

	require.NoError(t, runRuntime(context.Background(), tgt, Plan{Executors: 2, Requests: 5, Delay: 20 * time.Millisecond, FixedDelay: true}, r))

	assert.Equal(t, 10, r.OK())
	assert.Empty(t, out.String(), "with -quiet neither responses nor the executors' park lines may be printed")
}

func TestRuntimeCountsRefusedRequestsAsFailures(t *testing.T) {
	r := NewResults(nil, true)

	require.NoError(t, runRuntime(context.Background(), stagetest.Target(t, stagetest.ClosedPort(t)), Plan{Executors: 2, Requests: 3, FixedDelay: true}, r),
		"failed requests are counted, not returned as the run's error")

	assert.Zero(t, r.OK())
	assert.Equal(t, 6, r.Failed(), "every refused request must be counted, and the others still run")
	require.Error(t, r.FirstError())
	assert.Contains(t, r.FirstError().Error(), "connection refused")
}

func TestRuntimeLeavesNoThreadGoroutineOrFD(t *testing.T) {
	tgt, _ := startServer(t)
	// Warm up: the first run creates the Go netpoller's own fds (the server).
	require.NoError(t, runRuntime(context.Background(), tgt, Plan{Executors: 1, Requests: 1, FixedDelay: true}, NewResults(nil, true)))
	goroutines := goleak.IgnoreCurrent()
	// When the test ends, the open fds must be back to this count: sockets,
	// the poller's fds all closed.
	leakcheck.CheckFDs(t)

	r := NewResults(nil, true)
	require.NoError(t, runRuntime(context.Background(), tgt, Plan{Executors: 3, Requests: 10, Delay: 10 * time.Millisecond, FixedDelay: true}, r))
	require.NoError(t, runRuntime(context.Background(), stagetest.Target(t, stagetest.ClosedPort(t)), Plan{Executors: 2, Requests: 2, FixedDelay: true}, r))

	goleak.VerifyNone(t, goroutines)
}

func TestStartExecutorsReturnsEveryExecutorsError(t *testing.T) {
	err := startExecutors(3, func(index int) error {
		if index == 0 {
			return nil
		}
		return fmt.Errorf("executor %d broke", index)
	})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "executor 1 broke")
	assert.Contains(t, err.Error(), "executor 2 broke")
}

func TestRuntimeResponsesArriveInDelayOrderOnEachExecutor(t *testing.T) {
	tgt, _ := startServer(t)
	var out syncbuf.Buffer
	r := NewResults(&out, false)
	p := Plan{Executors: 2, Requests: 3} // request i waits i seconds

	require.NoError(t, runRuntime(context.Background(), tgt, p, r))

	for e := range 2 {
		var order []string
		for _, line := range strings.Split(out.String(), "\n") {
			if prefix := fmt.Sprintf("executor %d, request ", e); strings.HasPrefix(line, prefix) {
				order = append(order, strings.TrimPrefix(line, prefix))
			}
		}
		assert.Equal(t, []string{"0: HelloWorld0", "1: HelloWorld1", "2: HelloWorld2"}, order, "executor %d", e)
	}
}
