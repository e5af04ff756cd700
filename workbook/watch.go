// This file is `watch`: check the current exercise again whenever a .go file
// is saved, so the learner can keep their hands on the editor. Changes are
// debounced (an editor's save is often several events), keys typed in the
// terminal ask for a hint, the next exercise, the progress list, a reset or
// a check (watchkeys.go), and Ctrl-C ends the watch cleanly, stopping a
// check that is still running.

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
	pos, err := parseArgs(fs, args, 0, 1)
	if err != nil {
		return err
	}
	root, err := findRoot(a.dir)
	if err != nil {
		return err
	}
	// Load once up front so a broken manifest is reported before watching.
	p, err := loadProject(root)
	if err != nil {
		return err
	}
	s := &watchSession{a: a, root: root}
	if len(pos) == 1 {
		e, err := lookupExercise(p.Manifest, pos[0])
		if err != nil {
			return &usageError{err.Error()}
		}
		s.current = e.ID
	}

	done := make(chan struct{})
	defer close(done)
	s.keys = readKeys(a.stdin, done)

	// The file watcher runs on its own goroutine and only signals; checks
	// and keys are handled here, one at a time, so they never overlap.
	changes := make(chan struct{}, 1)
	watchCtx, stopWatching := context.WithCancel(ctx)
	watchErr := make(chan error, 1)
	go func() {
		watchErr <- watchFiles(watchCtx, root, watchDebounce, func() {
			select {
			case changes <- struct{}{}:
			default: // a check is already due
			}
		})
	}()
	watcherEnded := false
	defer func() {
		stopWatching()
		if !watcherEnded {
			<-watchErr
		}
	}()
	watcher := (<-chan error)(watchErr)

	fmt.Fprintln(a.stdout, "Watching .go files; each save checks the current exercise again. Ctrl-C stops.")
	s.check(ctx)
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(a.stdout, "\nStopped watching.")
			return nil
		case err := <-watcher:
			watcherEnded, watcher = true, nil
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "The file watcher stopped: saves no longer check; keys still work.")
		case <-changes:
			s.check(ctx)
		case line, ok := <-s.keys:
			if !ok {
				s.keys = nil
				fmt.Fprintln(a.stdout, "Standard input is closed: keys are off, saves still check. Ctrl-C stops.")
				continue
			}
			if quit := s.key(ctx, line); quit {
				fmt.Fprintln(a.stdout, "Stopped watching.")
				return nil
			}
		}
	}
}

// watchSession is what watch remembers between checks.
type watchSession struct {
	a    *app
	root string
	// current is the exercise the learner chose, by naming it or with the
	// n key; "" follows the first exercise not done. A chosen exercise stays
	// current until it passes.
	current string
	// keys delivers the lines typed on standard input; nil when there are
	// none to read.
	keys <-chan string
}

// target is the exercise watch checks now, or nil when every one passes.
func (s *watchSession) target(p *Project, st *State) *Exercise {
	if s.current != "" {
		if e := p.Manifest.ByID(s.current); e != nil {
			return e
		}
		s.current = "" // gone from the manifest since: follow the order
	}
	return nextExercise(p.Manifest, st)
}

// check checks the current exercise and prints the result. Problems are
// printed, not returned: the learner may be halfway through an edit, and
// the next save deserves another try.
func (s *watchSession) check(ctx context.Context) {
	w := s.a.stdout
	fmt.Fprintf(w, "\n── %s ──\n", time.Now().Format("15:04:05"))
	defer s.printKeys()
	p, st, err := s.load()
	if err != nil {
		fmt.Fprintf(w, "%v\n", err)
		return
	}
	e := s.target(p, st)
	if e == nil {
		fmt.Fprintln(w, "Every exercise passes. Ctrl-C to stop watching.")
		return
	}
	if err := carryAndReport(p, w); err != nil {
		fmt.Fprintf(w, "%v\n", err)
		return
	}
	results, err := checkExercises(ctx, p, st, []*Exercise{e})
	if err != nil {
		if ctx.Err() == nil {
			fmt.Fprintf(w, "%v\n", err)
		}
		return
	}
	reportCheck(w, p, st, results, false)
	if err := st.save(p.statePath()); err != nil {
		fmt.Fprintf(w, "%v\n", err)
	}
	if results[0].Passed() && e.ID == s.current {
		// The chosen exercise is done: from now on watch follows the
		// first exercise not done, which reportCheck has just named.
		s.current = ""
		if nextExercise(p.Manifest, st) != nil {
			fmt.Fprintln(w, "Watch moves on to it: save, or press c, to check it.")
		}
	}
}

// load reads the project and the state afresh: both change under watch.
func (s *watchSession) load() (*Project, *State, error) {
	p, err := loadProject(s.root)
	if err != nil {
		return nil, nil, err
	}
	st, err := loadState(p.statePath())
	if err != nil {
		return nil, nil, err
	}
	return p, st, nil
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
