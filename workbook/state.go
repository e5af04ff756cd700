// This file is the runner's memory between runs: which exercises passed or
// failed at their last check and how many hints the learner has seen. It
// lives in .workbook/state.json, which git ignores, so it is personal.

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Status is an exercise's result at its last check.
type Status string

const (
	StatusUnchecked Status = ""        // never checked
	StatusPassed    Status = "passed"  // every listed test passed
	StatusFailed    Status = "failed"  // a test failed, or did not compile
	StatusNotDone   Status = "notdone" // the body is still the exercise panic
)

// ExerciseState is what is remembered about one exercise.
type ExerciseState struct {
	Status      Status    `json:"status,omitempty"`
	LastChecked time.Time `json:"last_checked,omitzero"`
	HintsShown  int       `json:"hints_shown,omitempty"`
}

// State is the whole state file.
type State struct {
	Version   int                       `json:"version"`
	Exercises map[string]*ExerciseState `json:"exercises"`
}

// loadState reads the state file; a missing file is an empty state.
func loadState(path string) (*State, error) {
	st := &State{Version: 1, Exercises: map[string]*ExerciseState{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("read %s: %w (delete the file to start over; it only holds check results and hint positions)", path, err)
	}
	if st.Exercises == nil {
		st.Exercises = map[string]*ExerciseState{}
	}
	return st, nil
}

// Of returns the (possibly new) entry for id.
func (s *State) Of(id string) *ExerciseState {
	es, ok := s.Exercises[id]
	if !ok {
		es = &ExerciseState{}
		s.Exercises[id] = es
	}
	return es
}

// Done reports whether id passed at its last check.
func (s *State) Done(id string) bool {
	es, ok := s.Exercises[id]
	return ok && es.Status == StatusPassed
}

// save writes the state atomically: a crash never leaves half a file.
func (s *State) save(path string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "state-*.json")
	if err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	return nil
}
