// This file writes out one state machine: its state type, its struct with
// the fields chosen in liveness.go, its constructor, and the Poll method
// that dispatches on the state, plus finish and Close.

package main

import (
	"fmt"
	"go/types"
	"sort"
	"strings"
)

// emit writes the generated declarations for m.
func (m *machine) emit() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	g := m.g
	src := m.fn.Name.Name
	stateType := lowerFirst(m.typeName) + "State"
	done := lowerFirst(m.typeName) + "Done"

	p("// %s marks where %s can be suspended:", stateType, m.typeName)
	p("// its start, each wait, and each place more than one path leads to.")
	p("type %s int", stateType)
	p("")
	// The states are listed in the order of the source lines they start at,
	// so the cases of Poll read in the same order as the function.
	blocks := append([]*block(nil), m.blocks...)
	sort.SliceStable(blocks[1:], func(i, j int) bool { return blocks[1+i].pos < blocks[1+j].pos })
	p("const (")
	for i, blk := range blocks {
		if i == 0 {
			p("%s %s = iota // %s", blk.name, stateType, blk.comment)
			continue
		}
		p("%s // %s", blk.name, blk.comment)
	}
	p("%s // finished: a poll now is an error", done)
	p(")")
	p("")
	p("// String names the state, for messages and tests.")
	p("func (s %s) String() string {", stateType)
	p("switch s {")
	for _, blk := range blocks {
		p("case %s:", blk.name)
		p("return %q", strings.TrimPrefix(blk.name, lowerFirst(m.typeName)))
	}
	p("case %s:", done)
	p("return %q", "Done")
	p("}")
	p("return fmt.Sprintf(\"%s(%%d)\", int(s))", stateType)
	p("}")
	p("")
	g.imports["fmt"] = "fmt"

	p("// %s is %s (%s)", m.typeName, src, g.line(m.fn.Pos()))
	p("// rewritten by corofy into a state machine: one state per wait, and a")
	p("// field for every parameter and for every variable whose value is still")
	p("// needed after a wait.")
	p("type %s struct {", m.typeName)
	for _, v := range m.fields {
		why := "needed after a wait"
		for _, param := range m.params {
			if param == v {
				why = "parameter"
			}
		}
		p("%s %s // %s: %s", m.fieldName[v], g.typeString(v.Type()), g.line(v.Pos()), why)
	}
	p("")
	p("%s %s", m.stateField, stateType)
	for _, f := range m.futures {
		p("%s %s // the future the current wait polls", f.name, g.typeString(f.typ))
	}
	p("}")
	p("")

	ctor := "new" + strings.ToUpper(m.typeName[:1]) + m.typeName[1:]
	var params, inits []string
	sig := g.info.Defs[m.fn.Name].Type().(*types.Signature)
	for i, v := range m.params {
		t := g.typeString(v.Type())
		if sig.Variadic() && i == len(m.params)-1 {
			t = "..." + g.typeString(v.Type().(*types.Slice).Elem())
		}
		name := v.Name()
		if name == "" {
			name = "_"
		}
		params = append(params, name+" "+t)
		if fn, ok := m.fieldName[v]; ok {
			inits = append(inits, fn+": "+name)
		}
	}
	p("// %s returns %s as a future, not yet started:", ctor, src)
	p("// nothing runs until the first poll.")
	p("func %s(%s) *%s {", ctor, strings.Join(params, ", "), m.typeName)
	p("return &%s{%s}", m.typeName, strings.Join(inits, ", "))
	p("}")
	p("")

	var pollParams []string
	for i, name := range m.pollArgs {
		pollParams = append(pollParams, name+" "+g.typeString(g.contract.pollParams.At(i).Type()))
	}
	p("// Poll runs %s from where it last stopped until it has to", src)
	p("// wait or has finished. A state's code ends by choosing the next state;")
	p("// the loop then goes round, so a future is polled in the same poll that")
	p("// creates it.")
	p("func (%s *%s) Poll(%s) Poll[%s] {", m.recv, m.typeName, strings.Join(pollParams, ", "), m.result)
	p("for {")
	p("switch %s.%s {", m.recv, m.stateField)
	for _, blk := range blocks {
		p("case %s: // %s", blk.name, blk.comment)
		for _, v := range m.declaredIn(blk) {
			p("var %s %s // %s: used in several states, carried by none", m.rename[v], g.typeString(v.Type()), g.line(v.Pos()))
			if !m.reads[v][blk.index] {
				p("_ = %s // only assigned in this state", m.rename[v])
			}
		}
		b.WriteString(blk.text.String())
	}
	p("default: // %s", done)
	p("return Failed[%s](%s)", m.result, g.contract.afterDone.Name())
	p("}")
	p("}")
	p("}")
	p("")

	var finishParams []string
	var value, errv string
	if m.value != nil {
		finishParams = append(finishParams, "value "+m.result)
		value = "value"
	} else {
		value = "struct{}{}"
	}
	if m.hasErr {
		finishParams = append(finishParams, "err error")
		errv = "err"
	}
	p("// finish ends %s with what a return statement returns.", m.typeName)
	p("func (%s *%s) finish(%s) Poll[%s] {", m.recv, m.typeName, strings.Join(finishParams, ", "), m.result)
	p("%s.%s = %s", m.recv, m.stateField, done)
	for _, f := range m.futures {
		p("%s.%s = nil", m.recv, f.name)
	}
	if errv != "" {
		p("if %s != nil {", errv)
		p("return Failed[%s](%s)", m.result, errv)
		p("}")
	}
	p("return Ready[%s](%s)", m.result, value)
	p("}")
	p("")

	p("// Close abandons %s before it has finished: the future it", m.typeName)
	p("// waits for, if it can be closed, is closed (and lets go of its socket).")
	p("func (%s *%s) Close() error {", m.recv, m.typeName)
	p("var err error")
	for _, f := range m.futures {
		p("if closer, ok := %s.%s.(io.Closer); ok {", m.recv, f.name)
		p("err = errors.Join(err, closer.Close())")
		p("}")
		p("%s.%s = nil", m.recv, f.name)
		g.imports["io"], g.imports["errors"] = "io", "errors"
	}
	p("%s.%s = %s", m.recv, m.stateField, done)
	p("return err")
	p("}")
	p("")
	return b.String()
}

// declaredIn lists the variables declared afresh at the top of blk's case.
func (m *machine) declaredIn(blk *block) []*types.Var {
	var vs []*types.Var
	for v := range m.predeclared {
		if m.appears[v][blk.index] {
			vs = append(vs, v)
		}
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].Pos() < vs[j].Pos() })
	return vs
}
