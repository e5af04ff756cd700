//go:build linux || darwin || freebsd

// Tests for the per-request timeout: the TimeoutFuture with test doubles,
// then the HTTP future against a server that never answers, through a real
// reactor's timers and through a whole run.

package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/asyncworkbook/asyncgo/internal/stagetest"
	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

func TestTimeoutFutureReturnsTheInnerResultAndCancelsItsTimer(t *testing.T) {
	timers := &fakeTimekeeper{}
	inner := &closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 1, result: Ready("body")}}
	f := WithTimeout[string](inner, time.Hour, timers)
	w := testWaker(1)

	require.False(t, f.Poll(w).Ready)
	p := f.Poll(w)

	require.True(t, p.Ready)
	assert.Equal(t, "body", p.Value)
	assert.Equal(t, 1, timers.added, "the first pending poll starts the clock")
	assert.Equal(t, 1, timers.cancelled, "an answer in time must cancel the timer, or finished requests pile up in the heap")
	assert.Zero(t, inner.closed, "a future that finished on its own is not closed")
	assert.Equal(t, []Waker{w, w}, inner.wakers, "inner gets every poll's waker")
}

func TestTimeoutFutureGivesUpOnInnerWhenTheTimeIsUp(t *testing.T) {
	inner := &closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 1 << 30}}
	// A limit of 0 is over at the first poll: no waiting in a unit test.
	f := WithTimeout[string](inner, 0, &fakeTimekeeper{})

	p := f.Poll(testWaker(1))

	require.True(t, p.Ready)
	assert.ErrorIs(t, p.Err, ErrTimeout)
	assert.Equal(t, "timeout after 0s: no complete answer in time", p.Err.Error())
	assert.Equal(t, 1, inner.closed, "the abandoned future must be closed so it releases its socket")
	assert.ErrorIs(t, f.Poll(testWaker(1)).Err, errPolledAfterDone)
}

func TestTimeoutFuturePrefersAnAnswerThatArrivesAtTheLastMoment(t *testing.T) {
	inner := &closableFuture{fakeFuture: fakeFuture[string]{result: Ready("just in time")}}
	f := WithTimeout[string](inner, 0, &fakeTimekeeper{})

	p := f.Poll(testWaker(1))

	require.NoError(t, p.Err, "inner is asked first: an answer already there wins over an expired timer")
	assert.Equal(t, "just in time", p.Value)
}

// describedFuture is a pending future that, like the HTTP future, says
// which request an error belongs to.
type describedFuture struct {
	closableFuture
}

// describe implements describer.
func (d *describedFuture) describe(err error) error {
	return fmt.Errorf("GET /5000/x from 127.0.0.1:9: %w", err)
}

func TestTimeoutFutureNamesTheRequestItGaveUpOn(t *testing.T) {
	inner := &describedFuture{closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 1 << 30}}}
	f := WithTimeout[string](inner, 0, &fakeTimekeeper{})

	p := f.Poll(testWaker(1))

	require.True(t, p.Ready)
	assert.ErrorIs(t, p.Err, ErrTimeout)
	assert.Equal(t, "GET /5000/x from 127.0.0.1:9: timeout after 0s: no complete answer in time", p.Err.Error(),
		"a timeout names the request, as the future's own errors do (describer)")
}

func TestTimeoutFutureFailsWithTheReactorsReasonWhenTheReactorStops(t *testing.T) {
	timers := &fakeTimekeeper{}
	inner := &closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 1 << 30}}
	f := WithTimeout[string](inner, time.Hour, timers)
	require.False(t, f.Poll(testWaker(1)).Ready)

	timers.stopped = true // the reactor closed (Ctrl-C): no timer will fire
	p := f.Poll(testWaker(1))

	require.True(t, p.Ready, "a request whose timer cannot fire any more must not wait for ever")
	assert.ErrorIs(t, p.Err, ErrReactorClosed, "the Sleep's own error, not a timeout: Ctrl-C counts requests that failed with ErrReactorClosed as unfinished")
	assert.NotErrorIs(t, p.Err, ErrTimeout, "the time was not up")
	assert.Equal(t, 1, inner.closed, "the abandoned future must be closed so it releases its socket")
}

func TestTimeoutFutureCloseClosesBoth(t *testing.T) {
	timers := &fakeTimekeeper{}
	inner := &closableFuture{fakeFuture: fakeFuture[string]{pendingPolls: 1 << 30}}
	f := WithTimeout[string](inner, time.Hour, timers)
	require.False(t, f.Poll(testWaker(1)).Ready)

	require.NoError(t, f.Close())

	assert.Equal(t, 1, inner.closed)
	assert.Equal(t, 1, timers.cancelled)
}

// pollWithReactor polls f with one waker, each time after the reactor has
// woken it, until f is ready; it fails the test after generous.
func pollWithReactor[T any](t *testing.T, f Future[T]) Poll[T] {
	t.Helper()
	w := testWaker(1)
	for p := f.Poll(w); ; p = f.Poll(w) {
		if p.Ready {
			return p
		}
		waitWoken(t, w, "a pending future must be woken by its socket or its timer")
	}
}

func TestHTTPGetToAServerThatNeverAnswersTimesOutThroughTheReactorsTimer(t *testing.T) {
	srv := startSilentServer(t)
	leakcheck.CheckFDs(t)
	reactor := newTestReactor(t)
	client := &HTTPClient{Target: stagetest.Target(t, srv.Addr()), Reactor: reactor}
	start := time.Now()

	p := pollWithReactor[string](t, WithTimeout[string](client.Get("/0/x"), 100*time.Millisecond, reactor))

	require.True(t, p.Ready)
	assert.ErrorIs(t, p.Err, ErrTimeout)
	assert.Equal(t, fmt.Sprintf("GET /0/x from %s: timeout after 100ms: no complete answer in time", srv.Addr()), p.Err.Error(),
		"the error names the request and the limit, on one line")
	elapsed := time.Since(start)
	assert.GreaterOrEqual(t, elapsed, 100*time.Millisecond, "a timeout must never fire early")
	assert.Less(t, elapsed, generous)
	assert.Zero(t, reactor.PendingTimers(), "the timer fired and left the heap")
	require.Eventually(t, func() bool { return srv.closed.Load() == 1 }, generous, time.Millisecond,
		"the server must see the timed-out request's connection closed")
}

func TestRunTimesOutOnlyTheRequestsPastTheLimit(t *testing.T) {
	tgt, _ := startServer(t)
	var out syncbuf.Buffer
	r := NewResults(&out, false)
	// Request i waits i seconds: with 1.5 s, requests 0 and 1 answer in
	// time and request 2 (2 s) times out.
	p := Plan{Executors: 2, Requests: 3, Timeout: 1500 * time.Millisecond}

	require.NoError(t, runRuntime(context.Background(), tgt, p, r), "timeouts are counted failures, not the run's error")

	assert.Equal(t, 4, r.OK(), "the requests that answer in time succeed; first failure: %v", r.FirstError())
	assert.Equal(t, 2, r.Failed(), "one request per executor is past the limit")
	for e := range 2 {
		line := fmt.Sprintf("executor %d, request 2: FAILED: GET /2000/HelloWorld2 from %s: timeout after 1.5s: no complete answer in time\n", e, tgt.Host)
		assert.Contains(t, out.String(), line, "each timed-out request is one line")
	}
	assert.Equal(t, 2, strings.Count(out.String(), "FAILED"))
}

func TestRunLeavesNoTimerInTheHeap(t *testing.T) {
	tgt, _ := startServer(t)
	reactor := newTestReactor(t)
	r := NewResults(nil, true)

	require.NoError(t, runOnReactor(context.Background(), reactor, tgt, Plan{Executors: 2, Requests: 50, Delay: 20 * time.Millisecond, FixedDelay: true}, r))

	require.Equal(t, 100, r.OK(), "first failure: %v", r.FirstError())
	assert.Zero(t, reactor.PendingTimers(), "every request that finished in time must cancel its timer; cancelled timers must not pile up")
}

func TestRunAgainstASilentServerFailsEveryRequestWithATimeout(t *testing.T) {
	srv := startSilentServer(t)
	leakcheck.CheckFDs(t)
	r := NewResults(nil, true)

	require.NoError(t, runRuntime(context.Background(), stagetest.Target(t, srv.Addr()), Plan{Executors: 2, Requests: 5, FixedDelay: true, Timeout: 100 * time.Millisecond}, r))

	assert.Zero(t, r.OK())
	assert.Equal(t, 10, r.Failed(), "a server that never answers costs each request a timeout, and the run ends")
	assert.ErrorIs(t, r.FirstError(), ErrTimeout)
	require.Eventually(t, func() bool { return srv.closed.Load() == 10 }, generous, time.Millisecond,
		"every timed-out request must close its socket")
}

// neverReady is a future that stays pending and allocates nothing, so that
// counting allocations around it counts only the timeout's own.
type neverReady struct{}

// Poll implements Future.
func (neverReady) Poll(Waker) Poll[string] { return Pending[string]() }

// keptFuture keeps the futures of the allocation test and benchmark
// reachable, as a task keeps its future in a real run: without it the
// compiler may see that a future never leaves the loop and put it on the
// stack, and the count would be lower than a request really costs.
var keptFuture Future[string]

// timeoutPendingThenClosed is one request's worth of timeout machinery:
// WithTimeout made, polled once pending (its timer goes into r's heap) and
// closed (the timer comes out).
func timeoutPendingThenClosed(tb testing.TB, r *Reactor, w Waker) {
	f := WithTimeout[string](neverReady{}, time.Hour, r)
	keptFuture = f
	if f.Poll(w).Ready {
		tb.Fatal("a timeout of an hour is over at once")
	}
	_ = f.Close()
}

func TestWithTimeoutAroundAPendingFutureIsOneAllocation(t *testing.T) {
	// A driven reactor has no thread of its own that could allocate while
	// the test counts, and its heap is the real one.
	r := newDrivenTestReactor(t)
	w := testWaker(1)

	// AllocsPerRun runs once first, which grows the heap's slice to hold
	// one timer; the runs it counts reuse that room.
	allocs := testing.AllocsPerRun(1000, func() { timeoutPendingThenClosed(t, r, w) })

	assert.Equal(t, 1.0, allocs, "the TimeoutFuture must be the only allocation: its Sleep and the Sleep's Timer live inside it")
	assert.Zero(t, r.PendingTimers())
}

// BenchmarkWithTimeoutPendingThenClosed is the timeout's memory per request
// (run with -benchmem): the TimeoutFuture, with its Sleep and Timer inside.
func BenchmarkWithTimeoutPendingThenClosed(b *testing.B) {
	r, err := NewDrivenReactor()
	require.NoError(b, err)
	defer func() { require.NoError(b, r.Close()) }()
	w := testWaker(1)
	b.ReportAllocs()
	for b.Loop() {
		timeoutPendingThenClosed(b, r, w)
	}
}
