// This file handles a Go file that does not parse, which is a normal moment
// in a learner's day: they are halfway through writing a body. The file's
// markers are still found from their lines, so the manifest still matches
// the code and every command keeps working; only the exercises whose
// package holds the file are reported, with Go's message, as not building.

package main

import (
	"errors"
	"fmt"
	"go/scanner"
	"path"
	"regexp"
	"strings"
)

// parseFailure is the first syntax error of one file.
type parseFailure struct {
	File      string // slash path relative to the module root
	Line, Col int
	Msg       string // the parser's words, e.g. "expected ';', found x"
}

// newParseFailure keeps the first error that go/parser reported for file.
func newParseFailure(file string, err error) *parseFailure {
	pf := &parseFailure{File: file, Msg: err.Error()}
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		pf.Line, pf.Col, pf.Msg = list[0].Pos.Line, list[0].Pos.Column, list[0].Msg
	}
	return pf
}

// Pos is the error's place as file:line.
func (pf *parseFailure) Pos() string { return fmt.Sprintf("%s:%d", pf.File, pf.Line) }

// Message is the one line a learner sees: where, what, and what to do.
func (pf *parseFailure) Message() string {
	return fmt.Sprintf("%s:%d:%d: syntax error: %s; fix it and run again", pf.File, pf.Line, pf.Col, pf.Msg)
}

var (
	// markerLine is a marker written as the runner expects it.
	markerLine = regexp.MustCompile(`^\s*//workbook:exercise\s+([a-z][a-z0-9-]*)\s*$`)
	// funcLine is the start of a function declaration: its receiver, if
	// any, and its name.
	funcLine = regexp.MustCompile(`^func\s+(?:\(\s*(?:\w+\s+)?(\*?\s*\w+)[^)]*\)\s*)?(\w+)`)
)

// scanMarkerLines finds the markers of a file that does not parse, from its
// lines alone: a marker line followed, after more comment lines, by a func
// line. The markers have no body, which only a parsed file can give.
func scanMarkerLines(name string, src []byte) []*Marker {
	lines := strings.Split(string(src), "\n")
	var out []*Marker
	for i, l := range lines {
		m := markerLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		for _, next := range lines[i+1:] {
			next = strings.TrimSpace(next)
			if strings.HasPrefix(next, "//") {
				continue
			}
			if f := funcLine.FindStringSubmatch(next); f != nil {
				fn := f[2]
				if f[1] != "" {
					fn = "(" + strings.ReplaceAll(f[1], " ", "") + ")." + fn
				}
				out = append(out, &Marker{ID: m[1], File: name, Line: i + 1, Func: fn})
			}
			break
		}
	}
	return out
}

// brokenFor returns the syntax error that keeps exercise e from building:
// one in a folder whose package its tests build, or nil.
func (p *Project) brokenFor(e *Exercise) *parseFailure {
	for _, pf := range p.Broken {
		dir := path.Dir(pf.File)
		for _, ref := range e.TestRefs() {
			if ref.Dir == dir {
				return pf
			}
		}
		for _, mk := range p.MarkersOf(e.ID) {
			if path.Dir(mk.File) == dir {
				return pf
			}
		}
	}
	return nil
}

// requireParsed fails when a file does not parse, for the commands that
// need every body (export, verify).
func (p *Project) requireParsed() error {
	if len(p.Broken) == 0 {
		return nil
	}
	return errors.New(p.Broken[0].Message())
}

// brokenResult is the verdict on an exercise whose package does not parse:
// its tests are not run, since they could not be built.
func brokenResult(e *Exercise, pf *parseFailure) *ExerciseResult {
	res := &ExerciseResult{
		Exercise: e,
		Status:   StatusFailed,
		Reason:   "does not build: " + pf.Pos(),
		Excerpt:  []string{pf.Message()},
		Tests:    map[string]string{},
	}
	for _, ref := range e.TestRefs() {
		res.Tests[ref.String()] = outcomeBuild
	}
	return res
}
