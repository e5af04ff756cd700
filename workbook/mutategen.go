// This file generates mutants: small mechanical changes to an exercise body
// of the kinds a learner's slip would make (a statement left out, two
// statements in the wrong order, break for continue, a condition turned
// round, < for <=, + for -, an error dropped, a timeout of zero). A good test
// suite rejects most of them; one that lives points at a mistake no test
// looks for, or at a change that makes no difference (an equivalent
// mutant), which only a reader can tell apart.
//
// The generator works on the syntax tree alone, so some mutants do not
// compile (a variable left unused); verify counts those separately. It is
// deterministic: the same source gives the same mutants in the same order.

package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// Mutant is one changed version of a marked file.
type Mutant struct {
	Exercise string // the marker's exercise id
	File     string // slash path relative to the module root
	Func     string // the marked function changed
	Line     int    // line of the change in the reference file
	Desc     string // what was changed, e.g. "delete `p.Unpark()`"
	Source   []byte // the whole file with the change made
}

// Where is file:line and the function, for reports.
func (m *Mutant) Where() string { return fmt.Sprintf("%s:%d %s", m.File, m.Line, m.Func) }

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
	desc       string
}

// zeroedNames are the parts of argument names that suggest a time span: a
// zero in their place turns a wait into a look, or a sleep into nothing.
var zeroedNames = []string{"timeout", "interval", "forever", "deadline", "delay", "duration", "msec"}

// generateMutants returns every mutant of the marked functions of one file
// that keep satisfies (keep gets the marker). name is the file's slash path.
func generateMutants(name string, src []byte, keep func(*Marker) bool) ([]*Mutant, error) {
	markers, probs, broken := parseMarkers(name, src)
	if broken != nil {
		return nil, errors.New(broken.Message())
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	var out []*Mutant
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil || fn.Doc == nil {
			continue
		}
		mk := markerFor(markers, fset.Position(fn.Pos()).Line, funcName(fn))
		if mk == nil || !keep(mk) {
			continue
		}
		g := &mutator{fset: fset, src: src}
		g.block(fn.Body.List, 0)
		sort.SliceStable(g.edits, func(i, j int) bool { return g.edits[i].start < g.edits[j].start })
		seen := map[string]bool{}
		for _, e := range g.edits {
			changed := string(src[:e.start]) + e.text + string(src[e.end:])
			if changed == string(src) || seen[changed] {
				continue
			}
			seen[changed] = true
			out = append(out, &Mutant{
				Exercise: mk.ID, File: name, Func: mk.Func,
				Line: fset.Position(fset.File(fn.Pos()).Pos(e.start)).Line,
				Desc: e.desc, Source: []byte(changed),
			})
		}
	}
	return out, nil
}

// markerFor finds the marker of the function fn declared at line (its doc
// comment's marker is a few lines above).
func markerFor(markers []*Marker, line int, fn string) *Marker {
	var best *Marker
	for _, mk := range markers {
		if mk.Func == fn && mk.Line < line && (best == nil || mk.Line > best.Line) {
			best = mk
		}
	}
	return best
}

// mutator collects the edits of one function body.
type mutator struct {
	fset  *token.FileSet
	src   []byte
	edits []edit
}

func (g *mutator) off(p token.Pos) int { return g.fset.Position(p).Offset }

func (g *mutator) text(n ast.Node) string { return string(g.src[g.off(n.Pos()):g.off(n.End())]) }

func (g *mutator) add(n ast.Node, text, desc string) {
	g.edits = append(g.edits, edit{start: g.off(n.Pos()), end: g.off(n.End()), text: text, desc: desc})
}

// short shortens a piece of code to one line for a description.
func short(code string) string {
	code = strings.Join(strings.Fields(code), " ")
	if len(code) > 60 {
		code = code[:57] + "..."
	}
	return "`" + code + "`"
}

// movable reports whether a statement can be deleted or moved without
// leaving a name undeclared: calls, assignments to existing names, sends,
// counters, defers.
func movable(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ExprStmt, *ast.SendStmt, *ast.IncDecStmt, *ast.DeferStmt, *ast.GoStmt:
		return true
	case *ast.AssignStmt:
		return s.Tok != token.DEFINE
	}
	return false
}

// block mutates a statement list; loops counts the loops around it, for
// break and continue.
func (g *mutator) block(list []ast.Stmt, loops int) {
	for i, s := range list {
		if movable(s) {
			g.add(s, "", "delete "+short(g.text(s)))
			if i+1 < len(list) && movable(list[i+1]) {
				next := list[i+1]
				g.edits = append(g.edits, edit{
					start: g.off(s.Pos()), end: g.off(next.End()),
					text: g.text(next) + "\n" + g.text(s),
					desc: fmt.Sprintf("swap %s and %s", short(g.text(s)), short(g.text(next))),
				})
			}
		}
		g.stmt(s, loops)
	}
}

// stmt mutates one statement and what it contains.
func (g *mutator) stmt(s ast.Stmt, loops int) {
	switch s := s.(type) {
	case *ast.BlockStmt:
		g.block(s.List, loops)
	case *ast.IfStmt:
		if s.Init != nil {
			g.stmt(s.Init, loops)
		}
		g.add(s.Cond, "!("+g.text(s.Cond)+")", "negate the condition "+short(g.text(s.Cond)))
		g.expr(s.Cond)
		g.block(s.Body.List, loops)
		if s.Else != nil {
			g.stmt(s.Else, loops)
		}
	case *ast.ForStmt:
		if s.Cond != nil {
			g.expr(s.Cond)
		}
		g.block(s.Body.List, loops+1)
	case *ast.RangeStmt:
		g.block(s.Body.List, loops+1)
	case *ast.SwitchStmt:
		for _, c := range s.Body.List {
			g.block(c.(*ast.CaseClause).Body, loops)
		}
	case *ast.TypeSwitchStmt:
		for _, c := range s.Body.List {
			g.block(c.(*ast.CaseClause).Body, loops)
		}
	case *ast.SelectStmt:
		for _, c := range s.Body.List {
			g.block(c.(*ast.CommClause).Body, loops)
		}
	case *ast.BranchStmt:
		if s.Label != nil || loops == 0 {
			return
		}
		switch s.Tok {
		case token.CONTINUE:
			g.add(s, "break", "`continue` becomes `break`")
		case token.BREAK:
			g.add(s, "continue", "`break` becomes `continue`")
		}
	case *ast.ReturnStmt:
		if n := len(s.Results); n > 0 && returnsError(s.Results[n-1]) {
			g.add(s.Results[n-1], "nil", "return nil instead of "+short(g.text(s.Results[n-1])))
		}
		for _, r := range s.Results {
			g.expr(r)
		}
	case *ast.ExprStmt:
		g.expr(s.X)
	case *ast.AssignStmt:
		for _, r := range s.Rhs {
			g.expr(r)
		}
	case *ast.DeferStmt:
		g.expr(s.Call)
	case *ast.GoStmt:
		g.expr(s.Call)
	}
}

// returnsError guesses, without types, that a returned expression is an
// error: err itself, or an error being made.
func returnsError(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "err"
	case *ast.CallExpr:
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok {
			if pkg, ok := sel.X.(*ast.Ident); ok {
				return (pkg.Name == "fmt" && sel.Sel.Name == "Errorf") || (pkg.Name == "errors" && (sel.Sel.Name == "New" || sel.Sel.Name == "Join"))
			}
		}
	}
	return false
}

// flipped is the operator each operator becomes: a comparison's boundary
// moved by one, or the other way round for + and -.
var flipped = map[token.Token]token.Token{
	token.LSS: token.LEQ, token.LEQ: token.LSS,
	token.GTR: token.GEQ, token.GEQ: token.GTR,
	token.ADD: token.SUB, token.SUB: token.ADD,
}

// expr mutates comparisons and time-span arguments inside an expression.
// Function literals are left alone: their bodies run elsewhere.
func (g *mutator) expr(e ast.Expr) {
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BinaryExpr:
			if to, ok := flipped[n.Op]; ok {
				opAt := g.off(n.OpPos)
				g.edits = append(g.edits, edit{
					start: opAt, end: opAt + len(n.Op.String()), text: to.String(),
					desc: fmt.Sprintf("`%s` becomes `%s` in %s", n.Op, to, short(g.text(n))),
				})
			}
		case *ast.CallExpr:
			for _, a := range n.Args {
				id, ok := a.(*ast.Ident)
				if !ok {
					continue
				}
				lower := strings.ToLower(id.Name)
				for _, z := range zeroedNames {
					if strings.Contains(lower, z) {
						g.add(id, "0", fmt.Sprintf("pass 0 instead of `%s` in %s", id.Name, short(g.text(n))))
						break
					}
				}
			}
		}
		return true
	})
}
