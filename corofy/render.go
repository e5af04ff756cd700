// This file copies source code into the state machine. The text is the
// author's own, with three kinds of edits: a variable kept in a field is
// reached through the receiver (x becomes c.x), a declaration of such a
// variable becomes an assignment, and a return hands its results to finish,
// which ends the state machine.

package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"
)

// edit replaces the source bytes [start, end) with text; start == end
// inserts.
type edit struct {
	start, end int
	text       string
}

// render returns the text of n with the edits applied.
func (m *machine) render(n ast.Node) string {
	base := m.g.offset(n.Pos())
	var edits []edit
	add := func(from, to token.Pos, text string) {
		edits = append(edits, edit{m.g.offset(from) - base, m.g.offset(to) - base, text})
	}
	inits := map[ast.Stmt]bool{}
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.IfStmt:
			inits[x.Init] = true
		case *ast.ForStmt:
			inits[x.Init], inits[x.Post] = true, true
		case *ast.SwitchStmt:
			inits[x.Init] = true
		case *ast.TypeSwitchStmt:
			inits[x.Init] = true
		}
		return true
	})
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit:
			m.checkClosure(x)
			return false
		case *ast.Ident:
			if pn, ok := m.g.info.Uses[x].(*types.PkgName); ok {
				m.g.imports[pn.Imported().Path()] = x.Name
			}
			if v := m.localVar(x); v != nil {
				if r, ok := m.rename[v]; ok && r != x.Name {
					add(x.Pos(), x.End(), r)
				}
			}
		case *ast.ReturnStmt:
			if len(x.Results) == 0 {
				add(x.Pos()+token.Pos(len("return")), x.Pos()+token.Pos(len("return")), " "+m.recv+".finish()")
			} else {
				add(x.Results[0].Pos(), x.Results[0].Pos(), m.recv+".finish(")
				last := x.Results[len(x.Results)-1]
				add(last.End(), last.End(), ")")
			}
		case *ast.AssignStmt:
			if x.Tok != token.DEFINE || !m.anyRenamed(x.Lhs) {
				return true
			}
			add(x.TokPos, x.TokPos+2, "=")
			decls := m.declareNew(x.Lhs)
			if decls != "" {
				if inits[x] {
					m.fail(m.g.refuse(x.Pos(), "`%s` declares variables kept apart: some live across a wait, some do not; declare them before the statement it belongs to", oneLine(m.g.text(x))))
				}
				add(x.Pos(), x.Pos(), decls)
			}
		case *ast.DeclStmt:
			if text, ok := m.renderVarDecl(x); ok {
				add(x.Pos(), x.End(), text)
				return false
			}
		}
		return true
	})
	// Inserts go before a replacement that starts at the same place: an
	// insert at a result's start comes before the result's own rename.
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].start != edits[j].start {
			return edits[i].start < edits[j].start
		}
		return edits[i].end == edits[i].start && edits[j].end != edits[j].start
	})
	src := m.g.text(n)
	var out strings.Builder
	at := 0
	for _, e := range edits {
		out.WriteString(src[at:e.start])
		out.WriteString(e.text)
		at = e.end
	}
	out.WriteString(src[at:])
	return out.String()
}

// fail keeps the first refusal met while rendering.
func (m *machine) fail(err error) {
	if m.err == nil {
		m.err = err
	}
}

// checkClosure refuses a function literal that uses a variable corofy
// moves: the closure would capture the field, shared by every iteration,
// instead of the variable it was written against.
func (m *machine) checkClosure(lit *ast.FuncLit) {
	ast.Inspect(lit, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok {
			if v := m.localVar(id); v != nil && v.Pos() < lit.Pos() {
				if _, moved := m.rename[v]; moved {
					m.fail(m.g.refuse(id.Pos(), "the function literal uses %s, which corofy keeps apart from the function's scope (it is needed in more than one state); copy it to a variable declared inside the literal's own state first", id.Name))
				}
			}
		}
		return true
	})
}

// anyRenamed reports whether any plain variable among lhs is kept in a
// field or declared per state.
func (m *machine) anyRenamed(lhs []ast.Expr) bool {
	for _, l := range lhs {
		if id, ok := l.(*ast.Ident); ok {
			if v := m.localVar(id); v != nil {
				if _, ok := m.rename[v]; ok {
					return true
				}
			}
		}
	}
	return false
}

// declareNew declares the variables that a := among lhs introduces and
// that corofy leaves where they are, for when the := becomes a plain =.
func (m *machine) declareNew(lhs []ast.Expr) string {
	var b strings.Builder
	for _, l := range lhs {
		id, ok := l.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		v, ok := m.g.info.Defs[id].(*types.Var)
		if !ok {
			continue
		}
		if _, moved := m.rename[v]; !moved {
			fmt.Fprintf(&b, "var %s %s\n", id.Name, m.g.typeString(v.Type()))
		}
	}
	return b.String()
}

// renderVarDecl rewrites `var x T = e` when x is kept in a field or
// declared per state; ok is false when the declaration stays as written.
func (m *machine) renderVarDecl(d *ast.DeclStmt) (string, bool) {
	gd, ok := d.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR {
		return "", false
	}
	moved := false
	for _, spec := range gd.Specs {
		for _, name := range spec.(*ast.ValueSpec).Names {
			if v := m.localVar(name); v != nil {
				_, ok := m.rename[v]
				moved = moved || ok
			}
		}
	}
	if !moved {
		return "", false
	}
	var lines []string
	for _, spec := range gd.Specs {
		vs := spec.(*ast.ValueSpec)
		var lhs []string
		for _, name := range vs.Names {
			v := m.localVar(name)
			r, isMoved := m.rename[v]
			switch {
			case name.Name == "_":
				lhs = append(lhs, "_")
			case isMoved:
				lhs = append(lhs, r)
			default:
				lines = append(lines, fmt.Sprintf("var %s %s", name.Name, m.g.typeString(v.Type())))
				lhs = append(lhs, name.Name)
			}
		}
		var rhs []string
		for _, val := range vs.Values {
			rhs = append(rhs, m.render(val))
		}
		if len(rhs) == 0 {
			for _, name := range vs.Names {
				rhs = append(rhs, m.zero(m.localVar(name).Type()))
			}
		}
		lines = append(lines, strings.Join(lhs, ", ")+" = "+strings.Join(rhs, ", "))
	}
	return strings.Join(lines, "\n"), true
}

// zero writes the zero value of t, for a `var x T` whose x became a field.
func (m *machine) zero(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false"
		case u.Info()&types.IsString != 0:
			return `""`
		case u.Info()&types.IsNumeric != 0:
			return "0"
		}
		return "nil"
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return "nil"
	}
	return m.g.typeString(t) + "{}"
}

// bindWait hands the awaited future's answer to the code, as the wait
// statement wrote it: its value to the first name, its error to the second.
func (m *machine) bindWait(a *ast.AssignStmt) {
	answer := []string{m.pollVar + ".Value", m.pollVar + ".Err"}
	for _, l := range a.Lhs {
		m.noteAssigned(l)
	}
	line := m.g.line(a.Pos())
	if a.Tok == token.DEFINE && !m.anyRenamed(a.Lhs) {
		m.write("%s, %s := %s, %s // %s", m.render(a.Lhs[0]), m.render(a.Lhs[1]), answer[0], answer[1], line)
		return
	}
	if a.Tok == token.DEFINE {
		if decls := m.declareNew(a.Lhs); decls != "" {
			m.cur.text.WriteString(decls)
		}
	}
	var lhs, rhs []string
	for i, l := range a.Lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name == "_" {
			continue
		}
		lhs = append(lhs, m.render(l))
		rhs = append(rhs, answer[i])
	}
	if len(lhs) > 0 {
		m.write("%s = %s // %s", strings.Join(lhs, ", "), strings.Join(rhs, ", "), line)
	}
}
