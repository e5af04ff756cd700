// This file adds, in an exported edition, a line to the doc comment of every
// copy saying where its body is really written: a learner who opens a later
// stage finds a panic there and must know that carry, not they, fills it.

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// carryNote is the line added above the marker of a copy whose home is in
// homeFile.
func carryNote(homeFile string) string {
	return fmt.Sprintf("// The body is carried from %s by `go run ./workbook carry`: write it there.", homeFile)
}

// copyHomes maps each copy in the file rel (by its function's name) whose
// exercise satisfies keep to the file of its home.
func (p *Project) copyHomes(rel string, keep func(id string) bool) map[string]string {
	out := map[string]string{}
	for _, l := range p.Copies {
		if l.Copy.File == rel && keep(l.Copy.ID) {
			out[l.Copy.Func] = l.Home.File
		}
	}
	return out
}

// addCarryNotes puts carryNote, followed by an empty comment line, right
// above the marker line of each function named in homes. src must parse;
// a file without copies comes back unchanged.
func addCarryNotes(name string, src []byte, homes map[string]string) ([]byte, error) {
	if len(homes) == 0 {
		return src, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("note copies in %s: %w", name, err)
	}
	type insert struct {
		at   int
		text string
	}
	var inserts []insert
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Doc == nil {
			continue
		}
		home, ok := homes[funcName(fn)]
		if !ok {
			continue
		}
		for _, c := range fn.Doc.List {
			if strings.HasPrefix(c.Text, markerPrefix) {
				inserts = append(inserts, insert{fset.Position(c.Slash).Offset, carryNote(home) + "\n//\n"})
				break
			}
		}
	}
	sort.Slice(inserts, func(i, j int) bool { return inserts[i].at > inserts[j].at })
	out := string(src)
	for _, in := range inserts {
		out = out[:in.at] + in.text + out[in.at:]
	}
	return []byte(out), nil
}
