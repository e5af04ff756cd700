//go:build linux || darwin || freebsd

package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
	"github.com/asyncworkbook/asyncgo/internal/target"
)

// inProcessModes are the modes whose function runs in the calling process.
// runThreads is what the threads mode's child process runs.
var inProcessModes = map[string]func(*target.Target, Plan, *Results) error{
	modeGoroutines: runGoroutines,
	modeThreads:    runThreads,
}

func TestModesCompleteEveryRequest(t *testing.T) {
	for name, mode := range inProcessModes {
		t.Run(name, func(t *testing.T) {
			tgt, srv := startServer(t)
			p := Plan{Executors: 2, Requests: 5, Delay: 50 * time.Millisecond, FixedDelay: true}
			var out syncbuf.Buffer
			r := NewResults(&out, false)

			require.NoError(t, mode(tgt, p, r))

			assert.Equal(t, 10, r.OK(), "every request should succeed; first failure: %v", r.FirstError())
			assert.Zero(t, r.Failed())
			assert.EqualValues(t, 10, srv.Requests(), "the server should have seen each request once")
			for e := range 2 {
				for i := range 5 {
					assert.Contains(t, out.String(), "executor "+strconv.Itoa(e)+", request "+strconv.Itoa(i)+": HelloWorld"+strconv.Itoa(i)+"\n")
				}
			}
		})
	}
}

func TestModesCountRequestsToAClosedPortAsFailures(t *testing.T) {
	for name, mode := range inProcessModes {
		t.Run(name, func(t *testing.T) {
			tgt := closedPortTarget(t)
			r := NewResults(nil, true)

			require.NoError(t, mode(tgt, Plan{Executors: 2, Requests: 3, FixedDelay: true}, r),
				"failed requests are counted, not returned as the mode's error")

			assert.Zero(t, r.OK())
			assert.Equal(t, 6, r.Failed())
			require.Error(t, r.FirstError())
			assert.Contains(t, r.FirstError().Error(), "connection refused")
		})
	}
}

func TestModesReportANon2xxStatusAsAFailure(t *testing.T) {
	for name, mode := range inProcessModes {
		t.Run(name, func(t *testing.T) {
			tgt, _ := startServer(t)
			// 61 s is past the delay server's 60 s limit: it answers 400.
			p := Plan{Executors: 1, Requests: 1, Delay: 61 * time.Second, FixedDelay: true}
			r := NewResults(nil, true)

			require.NoError(t, mode(tgt, p, r))

			assert.Equal(t, 1, r.Failed(), "a 400 response is not a success")
			require.Error(t, r.FirstError())
			assert.Contains(t, r.FirstError().Error(), "400")
		})
	}
}

func TestModesLeaveNoFileDescriptorOpen(t *testing.T) {
	for name, mode := range inProcessModes {
		t.Run(name, func(t *testing.T) {
			// Start a server first, so that lazily created runtime files
			// (the netpoller's epoll or kqueue) exist before the count is taken.
			warm, _ := startServer(t)
			require.NoError(t, mode(warm, Plan{Executors: 1, Requests: 1, FixedDelay: true}, NewResults(nil, true)))

			before := openFDs(t)
			tgt, srv := startServer(t)
			r := NewResults(nil, true)
			require.NoError(t, mode(tgt, Plan{Executors: 2, Requests: 5, Delay: 20 * time.Millisecond, FixedDelay: true}, r))
			require.NoError(t, mode(closedPortTarget(t), Plan{Executors: 1, Requests: 3, FixedDelay: true}, r))
			require.NoError(t, srv.Close())

			// The server side closes its ends a little after each response,
			// so wait for the count to settle rather than sleep. At most
			// before, not exactly: the warm-up server may still have been
			// closing its side of the warm-up request when before was taken.
			require.Eventually(t, func() bool { return openFDs(t) <= before }, 10*time.Second, 10*time.Millisecond,
				"open file descriptors should return to %d; now %d", before, openFDs(t))
		})
	}
}

func TestThreadsModeUsesAnOSThreadPerWaitingRequest(t *testing.T) {
	tgt, _ := startServer(t)
	// A delay long enough that all ten requests wait at the same time.
	p := Plan{Executors: 2, Requests: 5, Delay: 500 * time.Millisecond, FixedDelay: true}
	r := NewResults(nil, true)

	m := StartMeasurement(SamplingInterval(p))
	require.NoError(t, runThreads(tgt, p, r))
	f := m.Stop()

	require.Equal(t, 10, r.OK(), "first failure: %v", r.FirstError())
	assert.GreaterOrEqual(t, f.OSThreads, p.Total(),
		"ten requests blocked in read(2) at once need ten threads; the sampler saw a peak of %d", f.OSThreads)
}

func TestGoroutinesModeDoesNotNeedAThreadPerRequest(t *testing.T) {
	tgt, _ := startServer(t)
	p := Plan{Executors: 2, Requests: 20, Delay: 300 * time.Millisecond, FixedDelay: true}
	r := NewResults(nil, true)

	m := StartMeasurement(SamplingInterval(p))
	require.NoError(t, runGoroutines(tgt, p, r))
	f := m.Stop()

	require.Equal(t, 40, r.OK(), "first failure: %v", r.FirstError())
	assert.Positive(t, f.OSThreads, "the sampler should have seen this process")
	assert.Less(t, f.OSThreads, p.Total(),
		"goroutines waiting on the netpoller share a few threads; a peak of %d threads for %d requests means something blocks a thread", f.OSThreads, p.Total())
}

func TestRequestTextAsksTheServerToClose(t *testing.T) {
	text := requestText("127.0.0.1:9", "/5/Hi")
	assert.True(t, strings.HasPrefix(text, "GET /5/Hi HTTP/1.1\r\n"))
	assert.Contains(t, text, "\r\nHost: 127.0.0.1:9\r\n")
	assert.Contains(t, text, "\r\nConnection: close\r\n")
	assert.True(t, strings.HasSuffix(text, "\r\n\r\n"), "the header block ends with an empty line")
}
