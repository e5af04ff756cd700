package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// drainBody is a reference body long enough to be worth protecting.
const drainBody = `
	var buf [4096]byte
	for {
		n, err := read(fd, buf[:])
		switch {
		case err == errAgain:
			return false, nil
		case err != nil:
			return false, fmt.Errorf("read: %w", err)
		case n == 0:
			return true, nil
		}
		received = append(received, buf[:n]...)
	}
`

func drainMarker() *Marker {
	return &Marker{ID: "s01-drain", File: "stage01/drain.go", Line: 3, Func: "drain", Body: drainBody}
}

func TestGoTokensIgnoreCommentsAndLayout(t *testing.T) {
	a := goTokens("x := f(a, b) // call f\nreturn x")
	b := goTokens("x := f(a,\n\tb)\n/* the result */ return x")
	assert.Equal(t, a, b)
	assert.Equal(t, []string{"x", ":=", "f", "(", "a", ",", "b", ")", "return", "x"}, a)
}

func TestFindNearCopiesFlagsABodyWithOneLineChanged(t *testing.T) {
	dir := t.TempDir()
	changed := `package later

func drainLater(fd int) (bool, error) {
	var buf [4096]byte
	for {
		n, err := read(fd, buf[:])
		switch {
		case err == errAgain:
			return false, nil
		case err != nil:
			return false, fmt.Errorf("read the answer: %w", err)
		case n == 0:
			return true, nil
		}
		received = append(received, buf[:n]...)
	}
}
`
	writeFiles(t, dir, map[string]string{"later/drain.go": changed})

	found, err := findNearCopies(dir, []*Marker{drainMarker()})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Contains(t, found[0], filepath.ToSlash("later/drain.go")+":3: drainLater is ")
	assert.Contains(t, found[0], "the solution of exercise s01-drain (drain, stage01/drain.go:3)")
}

func TestFindNearCopiesLeavesAFunctionOfTheSameShapeAlone(t *testing.T) {
	dir := t.TempDir()
	// The same loop-over-a-switch shape, doing something else.
	other := `package later

func writeAll(fd int, data []byte) error {
	for len(data) > 0 {
		n, err := write(fd, data)
		switch {
		case err == errInterrupted:
			continue
		case err != nil:
			return fmt.Errorf("write the job: %w", err)
		}
		data = data[n:]
	}
	return nil
}
`
	writeFiles(t, dir, map[string]string{"later/write.go": other})

	found, err := findNearCopies(dir, []*Marker{drainMarker()})
	require.NoError(t, err)
	assert.Empty(t, found)
}

func TestFindNearCopiesIgnoresShortBodiesAndBlankedExercises(t *testing.T) {
	dir := t.TempDir()
	src := `package later

func drain(fd int) (bool, error) {
	panic("exercise s01-drain: not done yet")
}

func short() error { return r.err() }
`
	writeFiles(t, dir, map[string]string{"later/drain.go": src})
	short := &Marker{ID: "s02-short", File: "s02/x.go", Line: 1, Func: "x", Body: "return r.err()"}

	found, err := findNearCopies(dir, []*Marker{drainMarker(), short})
	require.NoError(t, err)
	assert.Empty(t, found)
}

// addBody is a reference body that registers an fd with epoll. (Its words
// differ from the stages' own add, which the export check would otherwise
// find in this file.)
const addBody = `
	ev := unix.EpollEvent{Events: interest}
	setEventID(&ev, id)
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return fmt.Errorf("add fd %d to epoll: %w", fd, err)
	}
	return nil
`

func addMarker() *Marker {
	return &Marker{ID: "s02-register", File: "stage02/poller.go", Line: 9, Func: "(*poller).add", Body: addBody}
}

func TestAnswerCallsAreKernelNamesAndUnexportedHelpers(t *testing.T) {
	assert.Equal(t, []string{"setEventID", "unix.EPOLL_CTL_ADD", "unix.EpollCtl", "unix.EpollEvent"}, answerCalls(addBody),
		"fmt.Errorf says nothing about this answer in particular")
	assert.Equal(t, []string{"unix.Write"}, answerCalls("n := len(b)\nNewRuntime(out)\nunix.Write(fd, b[:n])"),
		"built-ins and exported functions (the API) are left out")
	assert.Empty(t, answerCalls("this is { not Go"))
}

func TestFindNearCopiesFlagsATestHelperThatMakesTheAnswersCalls(t *testing.T) {
	dir := t.TempDir()
	// Different enough in its tokens to pass the ratio, the same answer.
	helper := `package stage02

func watchRaw(t *testing.T, p *poller, fd int) {
	t.Helper()
	event := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET}
	setEventID(&event, fd)
	require.NoError(t, unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &event))
}
`
	writeFiles(t, dir, map[string]string{"stage02/poller_test.go": helper})

	found, err := findNearCopies(dir, []*Marker{addMarker()})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Contains(t, found[0], "stage02/poller_test.go:3: watchRaw uses 4 of the 4 calls of the solution of exercise s02-register ((*poller).add, stage02/poller.go:9)")
	assert.Contains(t, found[0], "setEventID, unix.EPOLL_CTL_ADD, unix.EpollCtl, unix.EpollEvent")
}

func TestFindNearCopiesLetsATestCheckTheKernelsViewAndCallTheAPI(t *testing.T) {
	dir := t.TempDir()
	// The kernel's own list, read from /proc, and the learner's Register:
	// no answer in sight, though the test is about the same exercise.
	tests := `package stage02

func TestRegisterAsksForSocketInterest(t *testing.T) {
	rt := newTestRuntime(t)
	r, _ := stagetest.NewPipe(t)
	require.NoError(t, rt.Registry().Register(r))
	watched := epollWatchList(t, rt.poller.epfd)
	assert.Equal(t, uint32(unix.EPOLLIN|unix.EPOLLET), watched[r].mask&(unix.EPOLLIN|unix.EPOLLET))
	var ev unix.EpollEvent
	setEventID(&ev, 5)
}
`
	// Code outside the tests is the lesson itself and is judged by the
	// ratio alone: newPoller may well register its own eventfd.
	code := `package stage02

func newPoller() (*poller, error) {
	var wake unix.EpollEvent
	setEventID(&wake, 0)
	return nil, unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakeFD, &wake)
}
`
	writeFiles(t, dir, map[string]string{"stage02/registry_test.go": tests, "stage02/poller.go": code})

	found, err := findNearCopies(dir, []*Marker{addMarker()})
	require.NoError(t, err)
	assert.Empty(t, found)
}
