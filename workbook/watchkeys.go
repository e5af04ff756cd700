// This file is watch's keyboard, in the spirit of rustlings: a letter and
// Enter asks for a hint, the next exercise, the progress list, a reset of
// the current exercise, a check now, or the end of the watch. Keys come as
// whole lines, so the terminal stays in its ordinary mode and no dependency
// is needed to read them.

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// watchKeysLine is printed after each check while keys can be read.
const watchKeysLine = "Keys (then Enter): h hint · n next · l list · r reset · c check · q quit"

// readKeys delivers each line read from r until r ends, then closes the
// channel. It returns nil (no keys) for a nil r. The goroutine also stops
// once done is closed, as soon as it has a line it cannot deliver; a read
// that never returns keeps it until the process ends, which is harmless for
// a terminal.
func readKeys(r io.Reader, done <-chan struct{}) <-chan string {
	if r == nil {
		return nil
	}
	keys := make(chan string)
	go func() {
		defer close(keys)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			select {
			case keys <- sc.Text():
			case <-done:
				return
			}
		}
	}()
	return keys
}

// printKeys reminds the learner of the keys, when there are any.
func (s *watchSession) printKeys() {
	if s.keys != nil {
		fmt.Fprintln(s.a.stdout, watchKeysLine)
	}
}

// key acts on one typed line and reports whether the watch should end.
// Each key accepts its whole word too ("hint" as well as "h").
func (s *watchSession) key(ctx context.Context, line string) (quit bool) {
	word := strings.ToLower(strings.TrimSpace(line))
	if word == "" {
		return false
	}
	w := s.a.stdout
	switch word {
	case "q", "quit":
		return true
	case "c", "check":
		s.check(ctx)
		return false
	case "n", "next":
		s.next(ctx)
		return false
	case "l", "list":
		s.report(s.a.cmdList(ctx, nil))
	case "h", "hint", "r", "reset":
		p, st, err := s.load()
		if err != nil {
			fmt.Fprintf(w, "%v\n", err)
			break
		}
		e := s.target(p, st)
		if e == nil {
			fmt.Fprintln(w, "Every exercise passes: there is nothing to give a hint for or to reset.")
			break
		}
		if word[0] == 'h' {
			s.report(s.a.cmdHint(ctx, []string{e.ID}))
		} else {
			s.report(s.a.cmdReset(ctx, []string{e.ID}))
		}
	default:
		fmt.Fprintf(w, "Unknown key %q.\n", word)
	}
	s.printKeys()
	return false
}

// next makes the next exercise not done after the current one (in the
// learner's order, going round to the start) current, and checks it.
func (s *watchSession) next(ctx context.Context) {
	p, st, err := s.load()
	if err != nil {
		fmt.Fprintf(s.a.stdout, "%v\n", err)
		s.printKeys()
		return
	}
	e := nextAfter(p.Manifest, st, s.target(p, st))
	if e == nil {
		fmt.Fprintln(s.a.stdout, "No other exercise is left to do.")
		s.printKeys()
		return
	}
	s.current = e.ID
	s.check(ctx)
}

// nextAfter is the first exercise not done that comes after cur in the
// manifest, going round to the start; never cur itself. A nil cur means
// the first exercise not done.
func nextAfter(m *Manifest, st *State, cur *Exercise) *Exercise {
	if cur == nil {
		return nextExercise(m, st)
	}
	at := 0
	for i, e := range m.Exercises {
		if e.ID == cur.ID {
			at = i
		}
	}
	for step := 1; step < len(m.Exercises); step++ {
		e := m.Exercises[(at+step)%len(m.Exercises)]
		if !st.Done(e.ID) {
			return e
		}
	}
	return nil
}

// report prints a command's error the way run would, without ending the
// watch: the learner reads it and carries on.
func (s *watchSession) report(err error) {
	if err == nil {
		return
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(s.a.stdout, "workbook: %s\n", ue.msg)
		return
	}
	fmt.Fprintf(s.a.stdout, "workbook: %v\n", err)
}
