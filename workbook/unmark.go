// This file takes the marker off a function whose exercise ships solved in
// an export: without its //workbook:exercise line the function is ordinary
// code to the edition's runner, which then neither lists it nor expects an
// entry for it in the manifest.

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// unmarkSource deletes the marker line from the doc comment of every
// function whose exercise id satisfies solved, together with the empty
// comment line that set the marker apart from the prose above it. Whole
// lines go, so the file stays gofmt-ed; a file with nothing to remove comes
// back unchanged.
func unmarkSource(name string, src []byte, solved func(id string) bool) ([]byte, error) {
	if !strings.Contains(string(src), markerPrefix) {
		return src, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("unmark %s: %w", name, err)
	}
	type cut struct{ start, end int }
	var cuts []cut
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Doc == nil {
			continue
		}
		id := markerID(fn.Doc)
		if id == "" || !solved(id) {
			continue
		}
		list := fn.Doc.List
		for i, c := range list {
			if markerID(&ast.CommentGroup{List: []*ast.Comment{c}}) != id {
				continue
			}
			first := c
			if i == len(list)-1 && i > 0 && list[i-1].Text == "//" {
				first = list[i-1]
			}
			start := lineStart(src, fset.Position(first.Slash).Offset)
			cuts = append(cuts, cut{start, lineEnd(src, fset.Position(c.End()).Offset)})
			break
		}
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].start > cuts[j].start })
	out := string(src)
	for _, c := range cuts {
		out = out[:c.start] + out[c.end:]
	}
	return []byte(out), nil
}

// lineStart is the offset of the first byte of the line holding offset.
func lineStart(src []byte, offset int) int {
	for offset > 0 && src[offset-1] != '\n' {
		offset--
	}
	return offset
}

// lineEnd is the offset just past the newline ending the line holding
// offset (or the end of src).
func lineEnd(src []byte, offset int) int {
	for offset < len(src) && src[offset] != '\n' {
		offset++
	}
	if offset < len(src) {
		offset++
	}
	return offset
}
