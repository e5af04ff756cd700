//go:build linux || darwin || freebsd

// summary.go reads the line every program of the common plan prints last:
//
//	NAME: N requests (E executors × R), OK ok, F failed in WALL
//
// The sweep takes the name and the numbers from it, and nothing else: the
// figures it compares, it measures itself from outside.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Summary is what the sweep reads from a child's last line.
type Summary struct {
	Name      string
	Requests  int
	Executors int
	OK        int
	Failed    int
}

var (
	// summaryHead matches the start of a summary line.
	summaryHead = regexp.MustCompile(`^(\S+): (\d+) requests \((\d+) executors? × \d+\), `)
	// summaryCounts is the part every program writes alike.
	summaryCounts = regexp.MustCompile(`(\d+) ok, (\d+) failed`)
)

// errNoSummary means the child's last line is not a summary, which is what
// a refused or crashed run looks like.
var errNoSummary = errors.New("no summary line on stdout")

// ParseSummary reads the summary from a child's stdout: its last line.
func ParseSummary(stdout []byte) (Summary, error) {
	lines := bytes.Split(bytes.TrimRight(stdout, "\n"), []byte("\n"))
	last := strings.TrimSpace(string(lines[len(lines)-1]))
	head := summaryHead.FindStringSubmatch(last)
	counts := summaryCounts.FindStringSubmatch(last)
	if head == nil || counts == nil {
		return Summary{}, errNoSummary
	}
	var s Summary
	s.Name = head[1]
	nums := []*int{&s.Requests, &s.Executors, &s.OK, &s.Failed}
	for i, text := range []string{head[2], head[3], counts[1], counts[2]} {
		n, err := strconv.Atoi(text)
		if err != nil {
			return Summary{}, fmt.Errorf("summary %q: %q is not a count", truncate(last, 120), text)
		}
		*nums[i] = n
	}
	return s, nil
}

// check compares a summary with the run that was asked for, so that a child
// that ran something else is not taken for the point.
func (s Summary) check(job Job, executors int) error {
	switch {
	case s.Name != job.Approach:
		return fmt.Errorf("the summary is of %q, the run asked for %s", s.Name, job.Approach)
	case s.Requests != job.Requests || s.Executors != executors:
		return fmt.Errorf("the summary is of %d requests on %d executors, the run asked for %d on %d", s.Requests, s.Executors, job.Requests, executors)
	case s.OK+s.Failed > s.Requests:
		return fmt.Errorf("the summary counts %d ok and %d failed of %d requests", s.OK, s.Failed, s.Requests)
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
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// oneLine folds text onto one line with single spaces.
func oneLine(text string) string {
	return strings.Join(strings.Fields(text), " ")
}
