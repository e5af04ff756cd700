// This file decides which variables the state machine keeps in fields. A
// variable needs a field exactly when its value must survive a return from
// Poll: when it is live on entry to some state other than the start. The
// parameters always need one, since the whole body runs after the
// constructor has returned. Variables used in several states but never
// carried from one to the next are declared afresh in each of them.

package main

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
)

// event is one thing a state's code does, in the order it does it.
type event struct {
	kind   int
	v      *types.Var
	target int // the state a jump goes to
}

const (
	useEvent  = iota // the variable's value is read (or may be)
	killEvent        // the variable is assigned on every path from here on
	jumpEvent        // the code moves to another state
)

// note records every variable n mentions as read. It errs on the side of
// reading: a variable treated as read more often only costs a field.
func (m *machine) note(n ast.Node) {
	ast.Inspect(n, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok {
			if v := m.localVar(id); v != nil {
				m.cur.events = append(m.cur.events, event{kind: useEvent, v: v})
			}
		}
		return true
	})
}

// kill records that v is assigned. Only an assignment at the top of a
// state's code happens on every path through the rest of it.
func (m *machine) kill(v *types.Var) {
	if m.cur.depth == 0 {
		m.cur.events = append(m.cur.events, event{kind: killEvent, v: v})
	} else {
		m.cur.events = append(m.cur.events, event{kind: useEvent, v: v})
	}
}

// noteAssigned records the left-hand side of an assignment: a plain
// variable is assigned, anything else (a[i], p.f) reads its variables.
func (m *machine) noteAssigned(lhs ast.Expr) {
	if id, ok := lhs.(*ast.Ident); ok {
		if v := m.localVar(id); v != nil {
			m.kill(v)
		}
		return
	}
	m.note(lhs)
}

// noteStmt records a copied statement: the right-hand side is read before
// the left-hand side is assigned.
func (m *machine) noteStmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.ASSIGN || s.Tok == token.DEFINE {
			for _, r := range s.Rhs {
				m.note(r)
			}
			for _, l := range s.Lhs {
				m.noteAssigned(l)
			}
			return
		}
	case *ast.DeclStmt:
		if gd, ok := s.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for _, val := range vs.Values {
					m.note(val)
				}
				for _, name := range vs.Names {
					m.noteAssigned(name)
				}
			}
			return
		}
	}
	m.note(s)
}

// decideFields reads the events of pass 1 and chooses the fields, the
// variables declared in each state, and the names of both.
func (m *machine) decideFields() {
	n := len(m.blocks)
	appears := map[*types.Var]map[int]bool{}
	for _, b := range m.blocks {
		for _, e := range b.events {
			if e.v != nil {
				if appears[e.v] == nil {
					appears[e.v] = map[int]bool{}
				}
				appears[e.v][b.index] = true
			}
		}
	}
	liveIn := make([]map[*types.Var]bool, n)
	for i := range liveIn {
		liveIn[i] = map[*types.Var]bool{}
	}
	for changed := true; changed; {
		changed = false
		for _, b := range m.blocks {
			killed := map[*types.Var]bool{}
			add := func(v *types.Var) {
				if !killed[v] && !liveIn[b.index][v] {
					liveIn[b.index][v] = true
					changed = true
				}
			}
			for _, e := range b.events {
				switch e.kind {
				case useEvent:
					add(e.v)
				case killEvent:
					killed[e.v] = true
				case jumpEvent:
					for v := range liveIn[e.target] {
						add(v)
					}
				}
			}
		}
	}
	isField := map[*types.Var]bool{}
	for _, p := range m.params {
		if p.Name() != "" && p.Name() != "_" {
			isField[p] = true
		}
	}
	for i := 1; i < n; i++ {
		for v := range liveIn[i] {
			isField[v] = true
		}
	}
	m.fields = nil
	for v := range isField {
		m.fields = append(m.fields, v)
	}
	sort.Slice(m.fields, func(i, j int) bool { return m.fields[i].Pos() < m.fields[j].Pos() })

	taken := map[string]bool{"Poll": true, "Close": true, "finish": true}
	unique := func(name string) string {
		candidate := name
		for i := 2; taken[candidate]; i++ {
			candidate = name + itoa(i)
		}
		taken[candidate] = true
		return candidate
	}
	m.fieldName = map[*types.Var]string{}
	m.rename = map[*types.Var]string{}
	for _, v := range m.fields {
		m.fieldName[v] = unique(v.Name())
		m.rename[v] = m.recv + "." + m.fieldName[v]
	}
	m.stateField = unique("state")
	m.futureNames = nil
	for i := range m.futures {
		name := "waiting"
		if len(m.futures) > 1 {
			name += itoa(i + 1)
		}
		m.futureNames = append(m.futureNames, unique(name))
	}

	m.predeclared = map[*types.Var]bool{}
	var pre []*types.Var
	for v, blocks := range appears {
		if !isField[v] && len(blocks) > 1 {
			pre = append(pre, v)
		}
	}
	sort.Slice(pre, func(i, j int) bool { return pre[i].Pos() < pre[j].Pos() })
	seen := map[string]bool{}
	for _, v := range pre {
		m.predeclared[v] = true
		name := v.Name()
		if seen[name] {
			name = m.fresh(name)
		}
		seen[name] = true
		m.rename[v] = name
	}
	m.appears = appears
	m.reads = map[*types.Var]map[int]bool{}
	for _, b := range m.blocks {
		for _, e := range b.events {
			if e.kind == useEvent {
				if m.reads[e.v] == nil {
					m.reads[e.v] = map[int]bool{}
				}
				m.reads[e.v][b.index] = true
			}
		}
	}
}
