package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/syncbuf"
)

func TestRelevantChangeIsAGoFileBeingSaved(t *testing.T) {
	assert.True(t, relevantChange(fsnotify.Event{Name: "/r/stage01/http.go", Op: fsnotify.Write}))
	assert.True(t, relevantChange(fsnotify.Event{Name: "/r/stage01/new.go", Op: fsnotify.Create}))
	assert.False(t, relevantChange(fsnotify.Event{Name: "/r/stage01/.http.go.swp", Op: fsnotify.Write}))
	assert.False(t, relevantChange(fsnotify.Event{Name: "/r/stage01/http.go~", Op: fsnotify.Write}))
	assert.False(t, relevantChange(fsnotify.Event{Name: "/r/README.md", Op: fsnotify.Write}))
	assert.False(t, relevantChange(fsnotify.Event{Name: "/r/x.go", Op: fsnotify.Chmod}))
}

func TestWatchFilesCallsBackWhenAGoFileIsSavedAndStopsOnCancel(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "stage01"), 0o755))
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan struct{}, 10)
	stopped := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		close(ready)
		stopped <- watchFiles(ctx, root, 50*time.Millisecond, func() { changes <- struct{}{} })
	}()
	<-ready
	// The watcher may not be registered yet when the first write lands, so
	// keep saving until a callback arrives (with a deadline).
	file := filepath.Join(root, "stage01", "http.go")
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case <-changes:
			break wait
		case <-tick.C:
			require.NoError(t, os.WriteFile(file, []byte("package stage01\n"), 0o644))
		case <-deadline:
			t.Fatal("no callback within 10s of saving a .go file")
		}
	}
	cancel()
	select {
	case err := <-stopped:
		assert.NoError(t, err, "cancelling (Ctrl-C) ends the watch cleanly")
	case <-time.After(10 * time.Second):
		t.Fatal("watchFiles did not return after its context was cancelled")
	}
}

func TestWatchCommandChecksAgainAfterASaveAndStopsCleanly(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	var out, errOut syncbuf.Buffer
	a := &app{stdout: &out, stderr: &errOut, dir: dir}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exit := make(chan int, 1)
	go func() { exit <- a.run(ctx, []string{"watch"}) }()

	require.Eventually(t, func() bool { return strings.Contains(out.String(), "· add  Add two numbers: not done yet") },
		30*time.Second, 50*time.Millisecond, "the first check did not run:\n%s", out.String())
	// Save the solution until the watch notices (its watcher may still be
	// starting when the first save lands).
	calc := filepath.Join(dir, "calc", "calc.go")
	solved := strings.Replace(string(mustRead(t, calc)),
		"\tpanic(\"workbook: exercise add is not done yet; run: go run ./workbook hint add\")\n", "\treturn a + b\n", 1)
	require.Eventually(t, func() bool {
		if !strings.Contains(out.String(), "✓ add") {
			_ = os.WriteFile(calc, []byte(solved), 0o644)
			return false
		}
		return true
	}, 60*time.Second, 500*time.Millisecond, "saving the solution did not trigger a passing check:\n%s", out.String())

	cancel()
	select {
	case code := <-exit:
		assert.Equal(t, 0, code, errOut.String())
		assert.Contains(t, out.String(), "Stopped watching.")
	case <-time.After(30 * time.Second):
		t.Fatal("watch did not stop after Ctrl-C")
	}
}

// watchRun is a watch running in-process, with keys typed through a pipe.
type watchRun struct {
	out    syncbuf.Buffer
	keys   *io.PipeWriter
	cancel context.CancelFunc
	exit   chan int
}

// startWatch runs `watch args...` in dir. The test types keys with type_
// and must end the run (q, Ctrl-C, or closing the keys); cleanup makes sure.
func startWatch(t *testing.T, dir string, args ...string) *watchRun {
	t.Helper()
	r, w := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	run := &watchRun{keys: w, cancel: cancel, exit: make(chan int, 1)}
	a := &app{stdout: &run.out, stderr: &run.out, stdin: r, dir: dir}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		run.exit <- a.run(ctx, append([]string{"watch"}, args...))
	}()
	t.Cleanup(func() {
		cancel()
		w.Close()
		select {
		case <-ended:
		case <-time.After(30 * time.Second):
			t.Error("watch did not stop")
		}
	})
	return run
}

// type_ sends one line, as the learner typing a key and Enter.
func (r *watchRun) type_(t *testing.T, line string) {
	t.Helper()
	_, err := io.WriteString(r.keys, line+"\n")
	require.NoError(t, err, "watch stopped reading keys")
}

// waitFor waits until the output, after its first from bytes, contains
// want, and returns where that want ends: the next wait starts there.
func (r *watchRun) waitFor(t *testing.T, from int, want string) int {
	t.Helper()
	end := 0
	require.Eventually(t, func() bool {
		i := strings.Index(r.out.String()[from:], want)
		end = from + i + len(want)
		return i >= 0
	}, 60*time.Second, 20*time.Millisecond, "waiting for %q in:\n%s", want, r.out.String())
	return end
}

func TestWatchKeysGiveHintListNextResetAndQuit(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	run := startWatch(t, dir, "sum")

	at := run.waitFor(t, 0, "· sum  Sum with Add: not done yet")
	at = run.waitFor(t, at, "Hint 1/3: Loop over xs.")
	at = run.waitFor(t, at, watchKeysLine)

	run.type_(t, "h")
	at = run.waitFor(t, at, "Hint 2/3: Call Add for each x.")
	run.type_(t, "h")
	at = run.waitFor(t, at, "Hint 3/3: total = Add(total, x)")

	run.type_(t, "l")
	at = run.waitFor(t, at, "Progress: 0/4 exercises, 0/8 points")

	// n: the next exercise not done after sum is counter.
	run.type_(t, "n")
	at = run.waitFor(t, at, "· counter  A counter safe for goroutines: not done yet")

	// The learner writes Inc, then resets the exercise from watch.
	counter := filepath.Join(dir, "counter", "counter.go")
	replaceInFile(t, counter, "\tpanic(\"workbook: exercise counter is not done yet; run: go run ./workbook hint counter\")\n", "\tc.n += 2\n")
	run.type_(t, "r")
	at = run.waitFor(t, at, "Your code is saved in .workbook/saved/counter-")
	assert.NotContains(t, string(mustRead(t, counter)), "c.n += 2")

	run.type_(t, "x")
	at = run.waitFor(t, at, "Unknown key \"x\".")
	run.type_(t, "q")
	select {
	case code := <-run.exit:
		assert.Equal(t, 0, code)
		assert.Contains(t, run.out.String()[at:], "Stopped watching.")
	case <-time.After(30 * time.Second):
		t.Fatal("q did not stop the watch")
	}
	st, err := loadState(filepath.Join(dir, ".workbook", "state.json"))
	require.NoError(t, err)
	assert.Equal(t, 3, st.Of("sum").HintsShown, "h counts hints like the hint command")
}

func TestWatchOfANamedExerciseMovesOnOnceItPasses(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	run := startWatch(t, dir, "greet")
	at := run.waitFor(t, 0, "· greet  Greet by name: not done yet")
	at = run.waitFor(t, at, watchKeysLine)

	replaceInFile(t, filepath.Join(dir, "calc", "greet.go"),
		"\tpanic(\"workbook: exercise greet is not done yet; run: go run ./workbook hint greet\")\n",
		"\treturn \"hello, \" + strings.TrimSpace(name)\n")
	run.type_(t, "c")
	at = run.waitFor(t, at, "✓ greet  Greet by name")
	at = run.waitFor(t, at, "Watch moves on to it")
	at = run.waitFor(t, at, watchKeysLine)
	// The named exercise passed: the next check is the first not done.
	run.type_(t, "c")
	run.waitFor(t, at, "· add  Add two numbers: not done yet")
}

func TestWatchCarriesOnWithoutKeysWhenStandardInputEnds(t *testing.T) {
	root := copyFixture(t)
	var out syncbuf.Buffer
	a := &app{stdout: &out, stderr: &out, stdin: strings.NewReader(""), dir: root}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exit := make(chan int, 1)
	go func() { exit <- a.run(ctx, []string{"watch", "add"}) }()

	require.Eventually(t, func() bool {
		s := out.String()
		return strings.Contains(s, "keys are off") && strings.Contains(s, "✓ add")
	}, 60*time.Second, 20*time.Millisecond, "%s", out.String())
	cancel()
	select {
	case code := <-exit:
		assert.Equal(t, 0, code)
		assert.Contains(t, out.String(), "Stopped watching.")
	case <-time.After(30 * time.Second):
		t.Fatal("watch did not stop after Ctrl-C")
	}
}

func TestWatchRejectsAnUnknownExercise(t *testing.T) {
	code, stdout, stderr := runApp(t, copyFixture(t), "watch", "ad")
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "workbook: unknown exercise \"ad\"; did you mean add?\n", stderr)
}

func TestNextAfterGoesRoundAndSkipsDoneExercises(t *testing.T) {
	p := loadFixture(t)
	m := p.Manifest
	st := &State{Exercises: map[string]*ExerciseState{}}
	st.Of("add").Status = StatusPassed
	assert.Equal(t, "sum", nextAfter(m, st, m.ByID("greet")).ID)
	assert.Equal(t, "greet", nextAfter(m, st, m.ByID("counter")).ID, "after the last comes the first not done")
	assert.Equal(t, "greet", nextAfter(m, st, nil).ID)
	for _, id := range []string{"greet", "sum", "counter"} {
		st.Of(id).Status = StatusPassed
	}
	st.Of("sum").Status = StatusFailed
	assert.Nil(t, nextAfter(m, st, m.ByID("sum")), "the current exercise is not its own next")
}
