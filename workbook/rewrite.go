// This file turns reference code into exercise code: the body of every marked
// function becomes a panic that names the exercise and the hint command, and
// imports that only the removed bodies used are dropped so the package still
// builds.

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/imports"
)

// notDoneMessage is the stand-in body's panic message. check recognises it
// (notDoneRE) and says "not done yet" instead of printing a stack trace.
func notDoneMessage(id string) string {
	return fmt.Sprintf("workbook: exercise %s is not done yet; run: go run ./workbook hint %s", id, id)
}

// stubSource rewrites one Go file, replacing the body of each function whose
// marker id satisfies stub. filename is used to find the package's other
// files when deciding which imports are still needed; it need not exist if
// the file imports nothing ambiguous. The second result reports whether any
// body was replaced; an untouched file comes back byte for byte.
func stubSource(filename string, src []byte, stub func(id string) bool) ([]byte, bool, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, false, fmt.Errorf("parse %s: %w", filename, err)
	}
	type span struct {
		start, end int
		id         string
	}
	var spans []span
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil || fn.Doc == nil {
			continue
		}
		id := markerID(fn.Doc)
		if id == "" || !stub(id) {
			continue
		}
		spans = append(spans, span{
			start: fset.Position(fn.Body.Lbrace).Offset + 1,
			end:   fset.Position(fn.Body.Rbrace).Offset,
			id:    id,
		})
	}
	if len(spans) == 0 {
		return src, false, nil
	}
	// Splice from the end so earlier offsets stay valid. Replacing the text
	// between the braces also removes the comments inside the body, which
	// may well describe the solution.
	sort.Slice(spans, func(i, j int) bool { return spans[i].start > spans[j].start })
	out := string(src)
	for _, s := range spans {
		out = out[:s.start] + "\n\tpanic(" + strconv.Quote(notDoneMessage(s.id)) + ")\n" + out[s.end:]
	}
	// imports.Process drops the imports nobody uses any more and prints the
	// file the way gofmt would.
	formatted, err := imports.Process(filename, []byte(out), &imports.Options{Comments: true, TabIndent: true, TabWidth: 8})
	if err != nil {
		return nil, false, fmt.Errorf("tidy imports of %s: %w", filename, err)
	}
	return formatted, true, nil
}

// markerID returns the exercise id in a doc comment, or "".
func markerID(doc *ast.CommentGroup) string {
	for _, c := range doc.List {
		rest, ok := strings.CutPrefix(c.Text, markerPrefix)
		if !ok {
			continue
		}
		spaced := strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "\t")
		if fields := strings.Fields(rest); spaced && len(fields) == 1 {
			return fields[0]
		}
	}
	return ""
}
