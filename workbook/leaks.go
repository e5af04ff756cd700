// This file proves that an export gives nothing away: no file of it may
// contain the text of any reference body, whatever its layout.

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// normalizeSpace collapses every run of white space to one space, so a body
// re-indented or re-wrapped in another file is still recognised.
func normalizeSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// findLeaks scans every file under dir for the reference bodies of markers
// and returns one message per body found.
func findLeaks(dir string, markers []*Marker) ([]string, error) {
	type body struct {
		m    *Marker
		text string
	}
	var bodies []body
	for _, m := range markers {
		if t := normalizeSpace(m.Body); t != "" {
			bodies = append(bodies, body{m, t})
		}
	}
	if len(bodies) == 0 {
		return nil, nil
	}
	files, err := walkFiles(dir)
	if err != nil {
		return nil, err
	}
	var leaks []string
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return nil, fmt.Errorf("scan the export for solutions: %w", err)
		}
		if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
			continue // binary: cannot hold source text
		}
		text := normalizeSpace(string(data))
		for _, b := range bodies {
			if strings.Contains(text, b.text) {
				leaks = append(leaks, fmt.Sprintf("%s: contains the solution of exercise %s (%s, %s)", rel, b.m.ID, b.m.Func, b.m.Pos()))
			}
		}
	}
	return leaks, nil
}
