// This file collects the mistakes found in the manifest or the markers so the
// runner can report all of them at once, each as "file:line: what is wrong".

package main

import (
	"fmt"
	"strings"
)

// problems is a list of complaints, each already prefixed with its file:line.
type problems []string

// add records one complaint about file at line.
func (p *problems) add(file string, line int, format string, args ...any) {
	*p = append(*p, fmt.Sprintf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
}

// err is nil when nothing was found, else one error listing every complaint.
func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &problemsError{list: p}
}

// problemsError reports several file:line complaints, one per line.
type problemsError struct{ list problems }

func (e *problemsError) Error() string { return strings.Join(e.list, "\n") }
