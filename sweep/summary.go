//go:build linux

// summary.go reads the one JSON object stage 05 prints last with -json: the
// figures of one run, as the child measured them on itself.

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ChildSummary is stage 05's -json summary (see stage05_multithread/summary.go).
type ChildSummary struct {
	Mode      string `json:"mode"`
	Executors int    `json:"executors"`
	Requests  int    `json:"requests"`
	OK        int    `json:"ok"`
	Failed    int    `json:"failed"`
	WallMS    int64  `json:"wall_ms"`
	// CPUMS is user plus system CPU of the child during the run (in the
	// threads mode, of the grandchild that holds the threads).
	CPUMS      int64  `json:"cpu_ms"`
	MaxDelayMS int64  `json:"max_delay_ms"`
	PeakRSSKB  int64  `json:"peak_rss_kb"`
	OSThreads  int    `json:"os_threads"`
	FirstError string `json:"first_error,omitempty"`
}

// summaryKeys are the keys a summary must have: a stage 05 that renamed one
// would otherwise read as zeros, and a zero is a believable figure.
var summaryKeys = []string{"mode", "executors", "requests", "ok", "failed", "wall_ms", "cpu_ms", "max_delay_ms", "peak_rss_kb", "os_threads"}

// errNoSummary means the child printed no JSON object at all, which is what
// a refused or crashed run looks like.
var errNoSummary = errors.New("no JSON summary on stdout")

// ParseSummary finds the summary in a child's stdout: the last line that is
// a JSON object. Lines before it (a run without -quiet prints one per
// response) are skipped.
func ParseSummary(stdout []byte) (ChildSummary, error) {
	var last []byte
	for line := range bytes.Lines(stdout) {
		line = bytes.TrimSpace(line)
		if bytes.HasPrefix(line, []byte("{")) {
			last = line
		}
	}
	if last == nil {
		return ChildSummary{}, errNoSummary
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(last, &keys); err != nil {
		return ChildSummary{}, fmt.Errorf("unreadable JSON summary %q: %w", truncate(string(last), 120), err)
	}
	var missing []string
	for _, k := range summaryKeys {
		if _, ok := keys[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return ChildSummary{}, fmt.Errorf("JSON summary lacks %s: does stage 05 still print the keys this sweep reads?", strings.Join(missing, ", "))
	}
	var s ChildSummary
	if err := json.Unmarshal(last, &s); err != nil {
		return ChildSummary{}, fmt.Errorf("JSON summary %q: %w", truncate(string(last), 120), err)
	}
	return s, nil
}

// check compares a summary with the run that was asked for, so that a child
// that measured something else is not taken for the point.
func (s ChildSummary) check(job Job, executors int) error {
	switch {
	case s.Mode != job.Mode:
		return fmt.Errorf("summary is for mode %q, the run asked for %q", s.Mode, job.Mode)
	case s.Requests != job.Requests || s.Executors != executors:
		return fmt.Errorf("summary is for %d requests on %d executors, the run asked for %d on %d", s.Requests, s.Executors, job.Requests, executors)
	case s.OK+s.Failed != s.Requests:
		return fmt.Errorf("summary counts %d ok and %d failed of %d requests", s.OK, s.Failed, s.Requests)
	}
	return nil
}

// truncate shortens s to at most n bytes, marking the cut, and never cuts
// a character in half.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// oneLine folds text onto one line with single spaces.
func oneLine(text string) string {
	return strings.Join(strings.Fields(text), " ")
}
