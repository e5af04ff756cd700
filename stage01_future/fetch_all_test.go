//go:build linux || darwin || freebsd

// Tests for FetchAll, the coroutine that waits inside a loop. Its requests
// are scripted fake futures. Every test runs against each machine in
// fetchAllMachines: your hand-written FetchAll, and in the reference
// repository also the one corofy generated from fetch_all_source.go, so
// both are held to the same behaviour.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fetchAllMachines makes each FetchAll under test, by name.
var fetchAllMachines = map[string]func(out *bytes.Buffer, get func(string) Future[string], paths []string) Future[int]{
	"hand-written FetchAll": func(out *bytes.Buffer, get func(string) Future[string], paths []string) Future[int] {
		return NewFetchAll(out, get, paths)
	},
}

// loopRequest is a scripted request: Pending for pending polls, then body
// or err. It counts its polls.
type loopRequest struct {
	pending int
	body    string
	err     error
	polls   int
}

func (r *loopRequest) Poll() Poll[string] {
	r.polls++
	switch {
	case r.polls > r.pending+1:
		return Failed[string](errors.New("a request was polled again after it was ready: ask for a new one, or finish"))
	case r.polls <= r.pending:
		return Pending[string]()
	case r.err != nil:
		return Failed[string](r.err)
	}
	return Ready(r.body)
}

// loopScript hands out a request per path and records the paths asked for.
type loopScript struct {
	requests map[string]*loopRequest
	asked    []string
}

func (s *loopScript) get(path string) Future[string] {
	s.asked = append(s.asked, path)
	if len(s.asked) > 20 {
		return &loopRequest{err: fmt.Errorf("FetchAll asked for %d requests for %d paths: does the loop move on (i++) and stop at len(paths)?", len(s.asked), len(s.requests))}
	}
	if r, ok := s.requests[path]; ok {
		return r
	}
	return &loopRequest{err: fmt.Errorf("the test has no request for %s", path)}
}

// pollFetchAll polls f until it is ready, at most 50 times, and returns the
// answer and how many polls answered Pending.
func pollFetchAll(t *testing.T, f Future[int]) (Poll[int], int) {
	t.Helper()
	for pending := 0; pending < 50; pending++ {
		if p := f.Poll(); p.Ready {
			return p, pending
		}
	}
	require.FailNow(t, "FetchAll was still pending after 50 polls: does the loop move on to the next path (i++) and go back to the condition?")
	return Poll[int]{}, 0
}

// eachFetchAll runs test once for every machine in fetchAllMachines.
func eachFetchAll(t *testing.T, test func(t *testing.T, newFetchAll func(*bytes.Buffer, func(string) Future[string], []string) Future[int])) {
	for name, newMachine := range fetchAllMachines {
		t.Run(name, func(t *testing.T) { test(t, newMachine) })
	}
}

func TestFetchAllWithNoPathsIsReadyAtOnceWithZero(t *testing.T) {
	eachFetchAll(t, func(t *testing.T, newFetchAll func(*bytes.Buffer, func(string) Future[string], []string) Future[int]) {
		s := &loopScript{}
		var out bytes.Buffer

		p := newFetchAll(&out, s.get, nil).Poll()

		require.True(t, p.Ready, "with no paths the loop's condition fails at once: the first poll must be ready")
		assert.NoError(t, p.Err)
		assert.Equal(t, 0, p.Value)
		assert.Empty(t, s.asked, "with no paths no request may be made")
		assert.Empty(t, out.String())
	})
}

func TestFetchAllAsksForEachPathInOrderAndAddsUpTheBodies(t *testing.T) {
	eachFetchAll(t, func(t *testing.T, newFetchAll func(*bytes.Buffer, func(string) Future[string], []string) Future[int]) {
		s := &loopScript{requests: map[string]*loopRequest{
			"/a": {pending: 1, body: "one"},
			"/b": {body: "three"},
			"/c": {pending: 2, body: "five5"},
		}}
		var out bytes.Buffer

		p, _ := pollFetchAll(t, newFetchAll(&out, s.get, []string{"/a", "/b", "/c"}))

		assert.Equal(t, []string{"/a", "/b", "/c"}, s.asked, "each path must be asked for once, in order: i goes 0, 1, 2 and the loop ends at len(paths)")
		assert.Equal(t, "one\nthree\nfive5\n", out.String(), "each body must be printed once, when it arrives")
		require.NoError(t, p.Err)
		assert.Equal(t, 3+5+5, p.Value, "the answer is the total length of the bodies, kept in a field across the waits")
	})
}

func TestFetchAllWaitsForOneRequestAtATime(t *testing.T) {
	eachFetchAll(t, func(t *testing.T, newFetchAll func(*bytes.Buffer, func(string) Future[string], []string) Future[int]) {
		s := &loopScript{requests: map[string]*loopRequest{"/a": {pending: 3, body: "x"}, "/b": {body: "y"}}}
		f := newFetchAll(&bytes.Buffer{}, s.get, []string{"/a", "/b"})

		for i := 1; i <= 3; i++ {
			require.False(t, f.Poll().Ready, "poll %d: the first request is pending, so FetchAll must be", i)
		}

		assert.Equal(t, []string{"/a"}, s.asked, "the next path may be asked for only once the current request has finished, and a pending one must not be asked for again")
		assert.Equal(t, 3, s.requests["/a"].polls, "each poll of FetchAll must poll the awaited request once")
	})
}

func TestFetchAllPollsEachRequestInThePollThatCreatesIt(t *testing.T) {
	eachFetchAll(t, func(t *testing.T, newFetchAll func(*bytes.Buffer, func(string) Future[string], []string) Future[int]) {
		s := &loopScript{requests: map[string]*loopRequest{"/a": {pending: 2, body: "x"}, "/b": {pending: 1, body: "y"}, "/c": {body: "z"}}}

		p, pending := pollFetchAll(t, newFetchAll(&bytes.Buffer{}, s.get, []string{"/a", "/b", "/c"}))

		require.True(t, p.Ready)
		assert.Equal(t, 2+1+0, pending, "FetchAll must answer Pending exactly once per pending poll of its requests: after creating a request, go round the loop and poll it at once")
		for path, r := range s.requests {
			assert.Equal(t, r.pending+1, r.polls, "the request for %s must be polled until ready and never again", path)
		}
	})
}

func TestFetchAllStopsAtAFailedRequest(t *testing.T) {
	eachFetchAll(t, func(t *testing.T, newFetchAll func(*bytes.Buffer, func(string) Future[string], []string) Future[int]) {
		reset := errors.New("connection reset")
		s := &loopScript{requests: map[string]*loopRequest{"/a": {body: "one"}, "/b": {pending: 1, err: reset}, "/c": {body: "never"}}}
		var out bytes.Buffer

		p, _ := pollFetchAll(t, newFetchAll(&out, s.get, []string{"/a", "/b", "/c"}))

		assert.ErrorIs(t, p.Err, reset, "a failed request ends FetchAll with its error, as `return total, err` does")
		assert.Equal(t, []string{"/a", "/b"}, s.asked, "after a failed request the loop must not go on to the next path")
		assert.Equal(t, "one\n", out.String(), "a failed request has no body to print")
	})
}

func TestFetchAllReportsErrorWhenPolledAfterDone(t *testing.T) {
	eachFetchAll(t, func(t *testing.T, newFetchAll func(*bytes.Buffer, func(string) Future[string], []string) Future[int]) {
		s := &loopScript{requests: map[string]*loopRequest{"/a": {body: "one"}}}
		var out bytes.Buffer
		f := newFetchAll(&out, s.get, []string{"/a"})
		p, _ := pollFetchAll(t, f)
		require.NoError(t, p.Err)

		again := f.Poll()

		require.True(t, again.Ready)
		assert.ErrorIs(t, again.Err, errPolledAfterDone, "a finished FetchAll must answer errPolledAfterDone, not run the loop again")
		assert.Equal(t, []string{"/a"}, s.asked)
		assert.Equal(t, "one\n", out.String())
	})
}
