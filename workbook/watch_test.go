package main

import (
	"context"
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
