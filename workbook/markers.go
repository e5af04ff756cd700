// This file finds the exercise markers: a line "//workbook:exercise <id>" in
// the doc comment of a function. The function's whole body is the exercise;
// several functions may carry the same id when one idea spans several bodies.

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// markerPrefix starts a marker line. Like //go:generate, it has no space after
// the slashes, which makes go/doc treat it as a directive and leave it out of
// the rendered documentation.
const markerPrefix = "//workbook:exercise"

// Marker is one marked function found in the source.
type Marker struct {
	ID   string
	File string // slash path relative to the module root
	Line int    // line of the marker comment
	Func string // Name, or (*Recv).Name for a method
	// Signature is the receiver and the parameters and results with their
	// names, as carry needs them to match between a home and its copy.
	Signature string
	// Body is the reference solution: the source between the braces.
	Body string
	// bodyStart is the offset of Body in the file, where carry splices.
	bodyStart int
	// BodyStart and BodyEnd are the lines of the body's opening and
	// closing braces: a stack frame between them is in the exercise.
	BodyStart, BodyEnd int
}

// Holds reports whether line of file lies inside the marked body.
func (m *Marker) Holds(file string, line int) bool {
	return file == m.File && line >= m.BodyStart && line <= m.BodyEnd
}

// Pos is the marker's file:line for messages.
func (m *Marker) Pos() string { return fmt.Sprintf("%s:%d", m.File, m.Line) }

var (
	// validID keeps ids usable everywhere they end up: command lines, file
	// names, and GitHub Actions step ids (letters, digits and dashes).
	validID = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	// nearMiss catches "// workbook:exercise id", which gofmt would keep but
	// go/doc would render as prose, and which is easy to write by accident.
	nearMiss = regexp.MustCompile(`^//\s+workbook:exercise\b`)
)

// scanMarkers parses every Go source file of the module and returns its
// markers, with every malformed or misplaced marker reported as a problem.
// A file that does not parse is returned in broken, and its markers are
// found by their lines alone, so that the manifest still matches them and
// only the exercises that need the file are held up by it.
func scanMarkers(root string, files []string) ([]*Marker, []*parseFailure, problems) {
	var markers []*Marker
	var broken []*parseFailure
	var probs problems
	for _, rel := range goSourceFiles(files) {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			probs.add(rel, 0, "cannot read: %v", err)
			continue
		}
		if !strings.Contains(string(src), "workbook:exercise") {
			continue // most files have no marker: skip parsing them
		}
		ms, ps, pf := parseMarkers(rel, src)
		if pf != nil {
			broken = append(broken, pf)
			ms = scanMarkerLines(rel, src)
		}
		markers = append(markers, ms...)
		probs = append(probs, ps...)
	}
	return markers, broken, probs
}

// parseMarkers finds the markers of one file. name is the file's slash path
// relative to the module root. A file that does not parse yields only its
// first syntax error.
func parseMarkers(name string, src []byte) ([]*Marker, problems, *parseFailure) {
	var probs problems
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, newParseFailure(name, err)
	}
	docOf := map[*ast.CommentGroup]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Doc != nil {
			docOf[fn.Doc] = fn
		}
	}
	var markers []*Marker
	for _, group := range f.Comments {
		fn := docOf[group]
		seen := ""
		for _, c := range group.List {
			line := fset.Position(c.Slash).Line
			if nearMiss.MatchString(c.Text) {
				probs.add(name, line, "write the marker with no space after the slashes: %s <id>", markerPrefix)
				continue
			}
			if !strings.HasPrefix(c.Text, markerPrefix) {
				continue
			}
			rest := strings.TrimPrefix(c.Text, markerPrefix)
			if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
				continue // another directive that merely starts the same way
			}
			fields := strings.Fields(rest)
			switch {
			case len(fields) != 1:
				probs.add(name, line, "a marker names exactly one exercise id: %s <id>", markerPrefix)
				continue
			case !validID.MatchString(fields[0]):
				probs.add(name, line, "exercise id %q must be lower-case letters, digits and single dashes, starting with a letter (e.g. s03-waker-wake)", fields[0])
				continue
			case fn == nil:
				probs.add(name, line, "marker %q is not in the doc comment of a function; put it in the comment directly above func", fields[0])
				continue
			case fn.Body == nil:
				probs.add(name, line, "marker %q is on a function without a body", fields[0])
				continue
			case seen != "":
				probs.add(name, line, "function %s already carries marker %q; one function belongs to one exercise", funcName(fn), seen)
				continue
			}
			seen = fields[0]
			start := fset.Position(fn.Body.Lbrace).Offset + 1
			end := fset.Position(fn.Body.Rbrace).Offset
			markers = append(markers, &Marker{
				ID:        fields[0],
				File:      name,
				Line:      line,
				Func:      funcName(fn),
				Signature: signature(fn),
				Body:      string(src[start:end]),
				bodyStart: start,
				BodyStart: fset.Position(fn.Body.Lbrace).Line,
				BodyEnd:   fset.Position(fn.Body.Rbrace).Line,
			})
		}
	}
	return markers, probs, nil
}

// signature prints a function's receiver and type with every name in
// them, e.g. "(c *Counter) func(n int) error".
func signature(fn *ast.FuncDecl) string {
	var b strings.Builder
	if fn.Recv != nil {
		for _, field := range fn.Recv.List {
			b.WriteString("(")
			for i, n := range field.Names {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(n.Name)
			}
			b.WriteString(" " + types.ExprString(field.Type) + ") ")
		}
	}
	b.WriteString(types.ExprString(fn.Type))
	return b.String()
}

// funcName spells a function as a reader would look for it: Name, or
// (*Recv).Name for a method.
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	return "(" + types.ExprString(fn.Recv.List[0].Type) + ")." + fn.Name.Name
}
