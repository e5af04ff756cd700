// This file is `watch`: check the current exercise again whenever a .go file
// is saved, so the learner can keep their hands on the editor. Changes are
// debounced (an editor's save is often several events), and Ctrl-C ends the
// watch cleanly, stopping a check that is still running.

package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchDebounce is how long the files must stay quiet before a check runs.
const watchDebounce = 300 * time.Millisecond

func (a *app) cmdWatch(ctx context.Context, args []string) error {
	fs := newFlags("watch")
	if _, err := parseArgs(fs, args, 0, 0); err != nil {
		return err
	}
	root, err := findRoot(a.dir)
	if err != nil {
		return err
	}
	// Load once up front so a broken manifest is reported before watching.
	if _, err := loadProject(root); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "Watching .go files; each save checks the current exercise again. Ctrl-C stops.")
	a.watchCheck(ctx, root)
	err = watchFiles(ctx, root, watchDebounce, func() { a.watchCheck(ctx, root) })
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "\nStopped watching.")
	return nil
}

// watchCheck checks the first exercise not done yet and prints the result.
// Problems are printed, not returned: the learner may be halfway through an
// edit, and the next save deserves another try.
func (a *app) watchCheck(ctx context.Context, root string) {
	fmt.Fprintf(a.stdout, "\n── %s ──\n", time.Now().Format("15:04:05"))
	p, err := loadProject(root)
	if err != nil {
		fmt.Fprintf(a.stdout, "%v\n", err)
		return
	}
	st, err := loadState(p.statePath())
	if err != nil {
		fmt.Fprintf(a.stdout, "%v\n", err)
		return
	}
	next := nextExercise(p.Manifest, st)
	if next == nil {
		fmt.Fprintln(a.stdout, "Every exercise passes. Ctrl-C to stop watching.")
		return
	}
	if err := carryAndReport(p, a.stdout); err != nil {
		fmt.Fprintf(a.stdout, "%v\n", err)
		return
	}
	results, err := checkExercises(ctx, p, st, []*Exercise{next})
	if err != nil {
		if ctx.Err() == nil {
			fmt.Fprintf(a.stdout, "%v\n", err)
		}
		return
	}
	reportCheck(a.stdout, p, st, results, false)
	if err := st.save(p.statePath()); err != nil {
		fmt.Fprintf(a.stdout, "%v\n", err)
	}
}

// watchFiles calls onChange after .go files under root change and then stay
// quiet for debounce. It returns nil when ctx is cancelled.
func watchFiles(ctx context.Context, root string, debounce time.Duration, onChange func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.Close()
	if err := addWatchTree(w, root); err != nil {
		return err
	}
	var quiet *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			if quiet != nil {
				quiet.Stop()
			}
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) {
				// A new folder (a new stage, say) is watched from now on.
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() && !skipWatchDir(filepath.Base(ev.Name)) {
					_ = addWatchTree(w, ev.Name)
				}
			}
			if !relevantChange(ev) {
				continue
			}
			if quiet != nil {
				quiet.Stop()
			}
			quiet = time.NewTimer(debounce)
			fire = quiet.C
		case <-fire:
			fire = nil
			onChange()
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			return fmt.Errorf("watch: %w", err)
		}
	}
}

// relevantChange reports whether an event is a Go source file changing.
// Editors' swap and backup files (.x.go.swp, x.go~) do not count.
func relevantChange(ev fsnotify.Event) bool {
	base := filepath.Base(ev.Name)
	if !strings.HasSuffix(base, ".go") || strings.HasPrefix(base, ".") {
		return false
	}
	return ev.Has(fsnotify.Write) || ev.Has(fsnotify.Create) || ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove)
}

// skipWatchDir leaves out folders whose files are not the learner's code.
func skipWatchDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "perf-out" || name == "node_modules"
}

// addWatchTree watches dir and every folder below it.
func addWatchTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while we walked
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && skipWatchDir(d.Name()) {
			return filepath.SkipDir
		}
		if err := w.Add(p); err != nil {
			return fmt.Errorf("watch %s: %w", p, err)
		}
		return nil
	})
}
