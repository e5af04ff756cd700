// This file proves that an export gives nothing away: no file of it may
// contain the text of any reference body, whatever its layout.

package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
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
	return findLeaksExcept(dir, markers, nil)
}

// shippedFuncs names functions an export ships with their reference
// bodies on purpose: slash path of the file -> function name, as
// Marker.Func spells it.
type shippedFuncs map[string]map[string]bool

// findLeaksExcept is findLeaks passing over the bodies of the functions in
// shipped, the exercises that ship solved: a selected answer that one of
// them repeats is there because the teacher chose to hand that exercise
// out solved (solvedRepeats reports it).
func findLeaksExcept(dir string, markers []*Marker, shipped shippedFuncs) ([]string, error) {
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
		content := string(data)
		if funcs := shipped[rel]; len(funcs) > 0 {
			content = withoutBodies(content, funcs)
		}
		text := normalizeSpace(content)
		for _, b := range bodies {
			if strings.Contains(text, b.text) {
				leaks = append(leaks, fmt.Sprintf("%s: contains the solution of exercise %s (%s, %s)", rel, b.m.ID, b.m.Func, b.m.Pos()))
			}
		}
	}
	return leaks, nil
}

// withoutBodies returns the Go source src with the bodies of the functions
// named in funcs emptied. Source that does not parse comes back whole.
func withoutBodies(src string, funcs map[string]bool) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return src
	}
	var b strings.Builder
	last := 0
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil || !funcs[funcName(fn)] {
			continue
		}
		open := fset.Position(fn.Body.Lbrace).Offset + 1
		b.WriteString(src[last:open])
		last = fset.Position(fn.Body.Rbrace).Offset
	}
	b.WriteString(src[last:])
	return b.String()
}
