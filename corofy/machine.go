// This file sets up the rewrite of one marked function: it reads the
// function's signature, refuses what corofy does not support, and drives
// the two passes (find the states and which variables cross a wait, then
// write the code) before emit.go assembles the type.

package main

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// machine is the state machine being built from one function.
type machine struct {
	g        *generator
	fn       *ast.FuncDecl
	typeName string

	params   []*types.Var // the function's parameters, kept in fields
	value    types.Type   // the value the function returns, or nil
	hasErr   bool         // whether the function returns an error
	result   string       // the Poll answer's value type as written: the value type, or struct{}
	names    map[string]bool
	recv     string   // the receiver's name in the generated methods
	pollVar  string   // the variable holding an awaited future's answer
	pollArgs []string // the names of Poll's parameters (the waker, if any)

	pass    int // 1 finds states and events, 2 writes code
	blocks  []*block
	cur     *block
	loops   []*loopCtx
	futures []*futureField
	counts  map[string]int // how many states of each kind exist, for their names
	err     error          // the first refusal met while writing code

	fields      []*types.Var          // variables kept in fields, in order of declaration
	fieldName   map[*types.Var]string // their field names
	predeclared map[*types.Var]bool   // variables declared afresh in each state that uses them
	rename      map[*types.Var]string // how the code refers to a field or predeclared variable
	stateField  string
	futureNames []string                    // the future fields' names, by order of first wait
	appears     map[*types.Var]map[int]bool // the states whose code mentions each variable
	reads       map[*types.Var]map[int]bool // the states whose code reads each variable
}

// loopCtx is a for loop being lowered: where continue and break jump.
type loopCtx struct {
	stmt  *ast.ForStmt
	head  *block // checks the condition and runs the body
	after *block // the code after the loop; made on the first jump to it
}

// futureField is one field that holds an awaited future between polls; one
// per distinct future type.
type futureField struct {
	typ  types.Type
	name string
}

// newMachine reads fn's signature and refuses the shapes corofy does not
// support.
func (g *generator) newMachine(fn *ast.FuncDecl, typeName string) (*machine, error) {
	m := &machine{g: g, fn: fn, typeName: typeName, names: map[string]bool{}}
	if fn.Recv != nil {
		return nil, g.refuse(fn.Pos(), "%s is a method; corofy rewrites functions: pass the receiver as a parameter", fn.Name.Name)
	}
	if fn.Type.TypeParams != nil {
		return nil, g.refuse(fn.Pos(), "%s has type parameters; corofy rewrites only functions without them", fn.Name.Name)
	}
	if fn.Body == nil {
		return nil, g.refuse(fn.Pos(), "%s has no body", fn.Name.Name)
	}
	sig := g.info.Defs[fn.Name].Type().(*types.Signature)
	for i := range sig.Params().Len() {
		m.params = append(m.params, sig.Params().At(i))
	}
	res := sig.Results()
	errType := types.Universe.Lookup("error").Type()
	if res.Len() > 0 && res.At(0).Name() != "" {
		return nil, g.refuse(fn.Type.Results.Pos(), "%s has named results; corofy needs every return to say what it returns", fn.Name.Name)
	}
	switch {
	case res.Len() == 0:
	case res.Len() == 1 && types.Identical(res.At(0).Type(), errType):
		m.hasErr = true
	case res.Len() == 1:
		m.value = res.At(0).Type()
	case res.Len() == 2 && types.Identical(res.At(1).Type(), errType):
		m.value, m.hasErr = res.At(0).Type(), true
	default:
		return nil, g.refuse(fn.Type.Results.Pos(), "%s returns %s; corofy supports no result, (error), (T) or (T, error), the shapes a future's answer can hold", fn.Name.Name, res)
	}
	m.result = "struct{}"
	if m.value != nil {
		m.result = g.typeString(m.value)
	}
	ast.Inspect(fn, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			m.names[id.Name] = true
		}
		return true
	})
	m.recv = m.fresh("c")
	m.pollVar = m.fresh("poll")
	for i := range g.contract.pollParams.Len() {
		name := g.contract.pollParams.At(i).Name()
		if name == "" || name == "_" {
			name = "arg"
		}
		m.pollArgs = append(m.pollArgs, m.fresh(name))
	}
	return m, nil
}

// fresh returns name, or name with a number after it, such that it is used
// by no identifier in the function, and reserves it.
func (m *machine) fresh(name string) string {
	candidate := name
	for i := 2; m.names[candidate]; i++ {
		candidate = name + strconv.Itoa(i)
	}
	m.names[candidate] = true
	return candidate
}

// machine rewrites fn into the state machine typeName.
func (g *generator) machine(fn *ast.FuncDecl, typeName string) (string, error) {
	m, err := g.newMachine(fn, typeName)
	if err != nil {
		return "", err
	}
	if err := m.check(); err != nil {
		return "", err
	}
	m.pass = 1
	if err := m.run(); err != nil {
		return "", err
	}
	m.decideFields()
	m.pass = 2
	if err := m.run(); err != nil {
		return "", err
	}
	return m.emit(), nil
}

// run lowers the function body into blocks, one per state.
func (m *machine) run() error {
	m.blocks, m.loops, m.futures, m.counts, m.err = nil, nil, nil, map[string]int{}, nil
	m.cur = m.newBlock("Start", m.fn.Pos(), "the function's first line")
	falls, err := m.lowerList(m.fn.Body.List)
	if err != nil {
		return err
	}
	if falls && m.value == nil && !m.hasErr {
		m.write("return %s.finish() // %s: the end of the function", m.recv, m.g.line(m.fn.Body.Rbrace))
	}
	return m.err
}

// isWait reports whether call is a call of the package's Wait marker.
func (m *machine) isWait(call *ast.CallExpr) bool {
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	id, ok := fun.(*ast.Ident)
	return ok && m.g.info.Uses[id] == m.g.contract.wait
}

// containsWait reports whether n mentions Wait anywhere.
func (m *machine) containsWait(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok && m.g.info.Uses[id] == m.g.contract.wait {
			found = true
		}
		return !found
	})
	return found
}

// waitAssign returns the Wait call if s is `v, err := Wait(f)` or
// `v, err = Wait(f)`, the one form a wait may take.
func (m *machine) waitAssign(s ast.Stmt) *ast.CallExpr {
	a, ok := s.(*ast.AssignStmt)
	if !ok || len(a.Lhs) != 2 || len(a.Rhs) != 1 || (a.Tok != token.DEFINE && a.Tok != token.ASSIGN) {
		return nil
	}
	call, ok := ast.Unparen(a.Rhs[0]).(*ast.CallExpr)
	if !ok || !m.isWait(call) {
		return nil
	}
	return call
}

// localVar returns the function's own variable id names, or nil.
func (m *machine) localVar(id *ast.Ident) *types.Var {
	obj := m.g.info.Uses[id]
	if obj == nil {
		obj = m.g.info.Defs[id]
	}
	v, ok := obj.(*types.Var)
	if !ok || v.IsField() || v.Pos() < m.fn.Pos() || v.Pos() >= m.fn.End() {
		return nil
	}
	return v
}

// oneLine squeezes a statement's text onto one line for a comment.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// itoa is strconv.Itoa, short for the naming code.
func itoa(i int) string { return strconv.Itoa(i) }
