// These tests run each straight-line function as written (its Wait polls
// until ready) and the state machine corofy generated from it against the
// same scripted futures, and require the same behaviour: the same requests,
// polls and output in the same order, the same answer, and one Pending from
// the state machine for every pending poll of a future it awaited.

package examples

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// answer scripts one future: how many polls it answers Pending, then its
// value or, if err is set, its error.
type answer[T any] struct {
	pending int
	value   T
	err     string
}

// world hands out scripted futures by path and logs, in order, every
// request, every poll and every line printed.
type world struct {
	strings map[string]answer[string]
	ints    map[string]answer[int]
	log     []string
	pending int // the Pending answers the futures gave, in total
}

// scripted is one future of a world.
type scripted[T any] struct {
	w     *world
	name  string
	a     answer[T]
	polls int
}

func (f *scripted[T]) Poll() Poll[T] {
	f.polls++
	f.w.log = append(f.w.log, "poll "+f.name)
	switch {
	case f.polls <= f.a.pending:
		f.w.pending++
		return Pending[T]()
	case f.polls > f.a.pending+1:
		f.w.log = append(f.w.log, "ERROR: "+f.name+" polled after it was ready")
		return Failed[T](errors.New("polled after ready"))
	case f.a.err != "":
		return Failed[T](errors.New(f.a.err))
	}
	return Ready(f.a.value)
}

// get asks for a string future.
func (w *world) get(path string) Future[string] {
	w.log = append(w.log, "get "+path)
	a, ok := w.strings[path]
	if !ok {
		a = answer[string]{err: "no script for " + path}
	}
	return &scripted[string]{w: w, name: path, a: a}
}

// count asks for an int future.
func (w *world) count(page string) Future[int] {
	w.log = append(w.log, "count "+page)
	a, ok := w.ints[page]
	if !ok {
		a = answer[int]{err: "no script for " + page}
	}
	return &scripted[int]{w: w, name: "count " + page, a: a}
}

// Write logs what the code prints, line by line.
func (w *world) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimSuffix(string(p), "\n"), "\n") {
		w.log = append(w.log, "print "+line)
	}
	return len(p), nil
}

// outcome is what one run did.
type outcome[T any] struct {
	log     []string
	value   T
	err     string
	pending int // Pending answers: from the futures for the straight-line run, from Poll for the state machine
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// sameBehaviour runs the straight-line function and the state machine in
// two fresh worlds made by script and compares what they did.
func sameBehaviour[T any](t *testing.T, script func() *world, straight func(w *world) (T, error), machine func(w *world) Future[T]) {
	t.Helper()
	sw := script()
	v, err := straight(sw)
	want := outcome[T]{log: sw.log, value: v, err: errText(err), pending: sw.pending}

	mw := script()
	f := machine(mw)
	got := outcome[T]{}
	for polls := 0; ; polls++ {
		require.Less(t, polls, 1000, "the state machine never became ready")
		p := f.Poll()
		if p.Ready {
			got.value, got.err = p.Value, errText(p.Err)
			break
		}
		got.pending++
	}
	got.log = mw.log

	assert.Equal(t, want.log, got.log, "requests, polls and output must come in the same order")
	assert.Equal(t, want.err, got.err, "the error must be the same")
	if want.err == "" {
		assert.Equal(t, want.value, got.value, "the value must be the same")
	}
	assert.Equal(t, want.pending, got.pending, "the state machine must answer Pending once for each pending poll of the future it awaits")
	again := f.Poll()
	assert.True(t, again.Ready && errors.Is(again.Err, errPolledAfterDone), "a poll after the end must answer errPolledAfterDone, got %+v", again)
	assert.Equal(t, len(mw.log), len(got.log), "a poll after the end must not run any code")
}

func strs(kv ...any) map[string]answer[string] {
	m := map[string]answer[string]{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(answer[string])
	}
	return m
}

func TestSequenceBehavesLikeItsSource(t *testing.T) {
	cases := map[string]func() *world{
		"both ready at once": func() *world {
			return &world{strings: strs("/page", answer[string]{value: "p"}), ints: map[string]answer[int]{"p": {value: 7}}}
		},
		"both pending a while": func() *world {
			return &world{strings: strs("/page", answer[string]{pending: 3, value: "p"}), ints: map[string]answer[int]{"p": {pending: 2, value: 7}}}
		},
		"the first fails": func() *world {
			return &world{strings: strs("/page", answer[string]{pending: 1, err: "refused"})}
		},
		"the second fails": func() *world {
			return &world{strings: strs("/page", answer[string]{value: "p"}), ints: map[string]answer[int]{"p": {pending: 1, err: "reset"}}}
		},
	}
	for name, script := range cases {
		t.Run(name, func(t *testing.T) {
			sameBehaviour(t, script,
				func(w *world) (int, error) { return sequenceSource(w, w.get, w.count) },
				func(w *world) Future[int] { return newCorofiedSequence(w, w.get, w.count) })
		})
	}
}

func TestBranchBehavesLikeItsSource(t *testing.T) {
	for _, cached := range []string{"", "kept"} {
		for _, a := range []answer[string]{{pending: 2, value: "new"}, {err: "refused"}} {
			t.Run(fmt.Sprintf("cached %q, fresh %+v", cached, a), func(t *testing.T) {
				script := func() *world { return &world{strings: strs("/fresh", a)} }
				sameBehaviour(t, script,
					func(w *world) (string, error) { return branchSource(w, w.get, cached) },
					func(w *world) Future[string] { return newCorofiedBranch(w, w.get, cached) })
			})
		}
	}
}

func TestLoopBehavesLikeItsSource(t *testing.T) {
	cases := map[string]struct {
		paths  []string
		script map[string]answer[string]
	}{
		"no paths":           {nil, nil},
		"three paths":        {[]string{"/a", "/b", "/c"}, strs("/a", answer[string]{pending: 1, value: "aa"}, "/b", answer[string]{value: "b"}, "/c", answer[string]{pending: 2, value: "ccc"})},
		"an empty path skip": {[]string{"", "/a", ""}, strs("/a", answer[string]{pending: 1, value: "aa"})},
		"a stop breaks out":  {[]string{"/a", "/stop", "/never"}, strs("/a", answer[string]{value: "aa"}, "/stop", answer[string]{pending: 1, value: "stop"})},
		"an error ends it":   {[]string{"/a", "/bad", "/never"}, strs("/a", answer[string]{value: "aa"}, "/bad", answer[string]{pending: 1, err: "reset"})},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			script := func() *world { return &world{strings: c.script} }
			sameBehaviour(t, script,
				func(w *world) (int, error) { return loopSource(w, w.get, c.paths) },
				func(w *world) Future[int] { return newCorofiedLoop(w, w.get, c.paths) })
		})
	}
}

func TestEarlyReturnBehavesLikeItsSource(t *testing.T) {
	cases := map[string]map[string]answer[string]{
		"both waits":    strs("/first", answer[string]{pending: 1, value: "one"}, "/second", answer[string]{pending: 1, value: "two"}),
		"returns early": strs("/first", answer[string]{pending: 2, value: "enough"}),
		"first fails":   strs("/first", answer[string]{err: "refused"}),
		"second fails":  strs("/first", answer[string]{value: "one"}, "/second", answer[string]{err: "reset"}),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			script := func() *world { return &world{strings: s} }
			sameBehaviour(t, script,
				func(w *world) (struct{}, error) { return struct{}{}, earlyReturnSource(w, w.get) },
				func(w *world) Future[struct{}] { return newCorofiedEarlyReturn(w, w.get) })
		})
	}
}

func TestErrorsBehavesLikeItsSource(t *testing.T) {
	cases := map[string]map[string]answer[string]{
		"primary works":                 strs("/primary", answer[string]{pending: 1, value: "p"}, "/ack", answer[string]{pending: 1}),
		"backup works":                  strs("/primary", answer[string]{err: "refused"}, "/backup", answer[string]{pending: 2, value: "b"}, "/ack", answer[string]{}),
		"backup fails too":              strs("/primary", answer[string]{err: "refused"}, "/backup", answer[string]{err: "reset"}),
		"the ack's error is the answer": strs("/primary", answer[string]{value: "p"}, "/ack", answer[string]{err: "no ack"}),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			script := func() *world { return &world{strings: s} }
			sameBehaviour(t, script,
				func(w *world) (string, error) { return errorsSource(w, w.get) },
				func(w *world) Future[string] { return newCorofiedErrors(w, w.get) })
		})
	}
}

func TestCloseClosesTheAwaitedFutureAndEnds(t *testing.T) {
	w := &world{strings: strs("/first", answer[string]{pending: 5, value: "one"})}
	closed := 0
	get := func(path string) Future[string] { return &closable{Future: w.get(path), closed: &closed} }
	f := newCorofiedEarlyReturn(w, get)
	require.False(t, f.Poll().Ready)

	require.NoError(t, f.Close())

	assert.Equal(t, 1, closed, "Close must close the future the state machine waits for")
	assert.ErrorIs(t, f.Poll().Err, errPolledAfterDone, "a closed state machine must not run again")
}

// closable is a future that counts Close calls.
type closable struct {
	Future[string]
	closed *int
}

func (c *closable) Close() error {
	*c.closed++
	return nil
}

func TestTypesBehavesLikeItsSource(t *testing.T) {
	cases := map[string]struct {
		paths  []string
		script map[string]answer[string]
	}{
		"no paths":        {nil, nil},
		"a path twice":    {[]string{"/a", "/bb", "/a"}, strs("/a", answer[string]{pending: 1, value: "aaa"}, "/bb", answer[string]{value: "bbbb"})},
		"an error midway": {[]string{"/a", "/bad"}, strs("/a", answer[string]{value: "a"}, "/bad", answer[string]{pending: 2, err: "reset"})},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			script := func() *world { return &world{strings: c.script} }
			sameBehaviour(t, script,
				func(w *world) (map[string]int, error) { return typesSource(w, w.get, c.paths) },
				func(w *world) Future[map[string]int] { return newCorofiedTypes(w, w.get, c.paths) })
		})
	}
}

func TestRetryBehavesLikeItsSource(t *testing.T) {
	cases := map[string]map[string]answer[string]{
		"redirected at once":       strs("/try/1", answer[string]{pending: 1, value: "redirect"}, "/target", answer[string]{pending: 2, value: "t"}),
		"not yet, then redirected": strs("/try/1", answer[string]{value: "wait"}, "/try/2", answer[string]{pending: 1, value: "redirect"}, "/target", answer[string]{value: "t"}),
		"fails until it gives up":  strs("/try/1", answer[string]{err: "refused"}, "/try/2", answer[string]{pending: 1, err: "refused"}, "/try/3", answer[string]{err: "refused"}),
		"the target fails":         strs("/try/1", answer[string]{value: "redirect"}, "/target", answer[string]{pending: 1, err: "reset"}),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			script := func() *world { return &world{strings: s} }
			sameBehaviour(t, script,
				func(w *world) (string, error) { return retrySource(w, w.get, 3) },
				func(w *world) Future[string] { return newCorofiedRetry(w, w.get, 3) })
		})
	}
}
