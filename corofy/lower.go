// This file is the heart of corofy: it walks the function's statements in
// order and splits them into states. Straight-line code is copied into the
// current state; a wait ends the state (the future goes into a field, the
// state changes) and starts a new one that polls the future; an if or a for
// that waits becomes jumps between states, and a loop's end jumps back to
// the state that checks its condition.

package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// block is the code of one state: the body of its case in Poll.
type block struct {
	index   int
	pos     token.Pos // where in the source the state begins, for the order of the cases
	name    string    // the state's constant
	comment string    // where in the source the state begins
	text    strings.Builder
	depth   int     // how many ifs the writing position is inside
	events  []event // what the code does with variables, in order (pass 1)
}

// newBlock makes a state of the given kind ("Wait", "Loop", ...), numbered
// within its kind unless it is the start.
func (m *machine) newBlock(kind string, pos token.Pos, what string) *block {
	name := lowerFirst(m.typeName) + kind
	if kind != "Start" {
		m.counts[kind]++
		name += fmt.Sprint(m.counts[kind])
	}
	b := &block{index: len(m.blocks), pos: pos, name: name, comment: m.g.line(pos) + ": " + what}
	m.blocks = append(m.blocks, b)
	return b
}

// write adds one line to the current state's code.
func (m *machine) write(format string, args ...any) {
	fmt.Fprintf(&m.cur.text, format, args...)
	m.cur.text.WriteByte('\n')
}

// jump ends the current path by moving to state to. Inside an if, the
// dispatch loop must be told to go round at once; at the top of a case
// the loop goes round by itself.
func (m *machine) jump(to *block) {
	m.write("%s.%s = %s", m.recv, m.stateField, to.name)
	if m.cur.depth > 0 {
		m.write("continue")
	}
	m.cur.events = append(m.cur.events, event{kind: jumpEvent, target: to.index})
}

// lowerList lowers a list of statements and reports whether control can
// reach the end of the list.
func (m *machine) lowerList(list []ast.Stmt) (bool, error) {
	for _, s := range list {
		falls, err := m.lowerStmt(s)
		if err != nil {
			return false, err
		}
		if !falls {
			return false, nil
		}
	}
	return true, nil
}

// lowerStmt lowers one statement.
func (m *machine) lowerStmt(s ast.Stmt) (bool, error) {
	if call := m.waitAssign(s); call != nil {
		m.lowerWait(s.(*ast.AssignStmt), call)
		return true, nil
	}
	escape := escapingBranch(s)
	if !m.containsWait(s) && escape == nil {
		m.copyStmt(s)
		return !terminates(s), nil
	}
	switch s := s.(type) {
	case *ast.IfStmt:
		return m.lowerIf(s)
	case *ast.ForStmt:
		return m.lowerFor(s)
	case *ast.BranchStmt:
		return false, m.lowerBranch(s)
	case *ast.BlockStmt:
		return false, m.g.refuse(s.Pos(), "a bare block { ... } with a break or continue inside is not supported in a loop that waits: remove the braces")
	}
	return false, m.g.refuse(escape.Pos(), "this %s leaves a %s for a loop that waits; corofy turns such jumps into state changes only directly inside if statements: use if / else", escape.Tok, nodeKind(s))
}

// nodeKind names a statement for a refusal.
func nodeKind(s ast.Stmt) string {
	switch s.(type) {
	case *ast.SwitchStmt:
		return "switch"
	case *ast.TypeSwitchStmt:
		return "type switch"
	case *ast.SelectStmt:
		return "select"
	}
	return "statement"
}

// copyStmt copies a statement that neither waits nor jumps out, with its
// variables and returns rewritten, and a comment giving its source line.
func (m *machine) copyStmt(s ast.Stmt) {
	m.noteStmt(s)
	text := m.render(s)
	if strings.Contains(text, "\n") {
		m.write("// %s", m.g.line(s.Pos()))
		m.write("%s", text)
		return
	}
	m.write("%s // %s", text, m.g.line(s.Pos()))
}

// lowerWait ends the current state at a wait: the future is created and
// stored, and the next state polls it. When the future is ready its value
// and error are handed to the code as the statement wrote them.
func (m *machine) lowerWait(a *ast.AssignStmt, call *ast.CallExpr) {
	sig := m.g.info.Types[call.Fun].Type.(*types.Signature)
	ff := m.futureField(sig.Params().At(0).Type())
	m.note(call.Args[0])
	m.write("%s.%s = %s // %s", m.recv, ff.name, m.render(call.Args[0]), m.g.line(call.Pos()))
	w := m.newBlock("Wait", a.Pos(), oneLine(m.g.text(a)))
	m.jump(w)
	m.cur = w
	m.write("%s := %s.%s.Poll(%s)", m.pollVar, m.recv, ff.name, strings.Join(m.pollArgs, ", "))
	m.write("if !%s.Ready {", m.pollVar)
	m.write("return Pending[%s]()", m.result)
	m.write("}")
	m.write("%s.%s = nil", m.recv, ff.name)
	m.bindWait(a)
}

// futureField returns the field that holds futures of type t.
func (m *machine) futureField(t types.Type) *futureField {
	for _, f := range m.futures {
		if types.Identical(f.typ, t) {
			return f
		}
	}
	f := &futureField{typ: t, name: "waiting"}
	if i := len(m.futures); i < len(m.futureNames) {
		f.name = m.futureNames[i]
	}
	m.futures = append(m.futures, f)
	return f
}

// lowerIf lowers an if whose branches wait or jump. When a branch waits
// and then carries on, the code after the if is reached from more than one
// state, so it becomes a state of its own, and every branch that carries on
// jumps there. When every branch that carries on stays in the state the if
// started in, the code after the if simply follows it in that state.
func (m *machine) lowerIf(s *ast.IfStmt) (bool, error) {
	if s.Init != nil {
		return false, m.g.refuse(s.Pos(), "an if with an init statement and a jump inside is not supported in a loop that waits: move `%s` before the if", oneLine(m.g.text(s.Init)))
	}
	start := m.cur
	var join *block
	var stay []pendingJump // branches that carry on without leaving start
	falls := false
	endBranch := func(branchFalls bool) {
		if branchFalls {
			falls = true
			if m.cur == start {
				stay = append(stay, pendingJump{text: start.text.Len(), event: len(start.events), depth: start.depth})
			} else {
				if join == nil {
					join = m.newBlock("AfterIf", s.End(), "after the if at "+m.g.line(s.Pos()))
				}
				m.jump(join)
			}
		}
		m.cur = start
	}
	m.note(s.Cond)
	m.write("if %s { // %s", m.render(s.Cond), m.g.line(s.Pos()))
	start.depth++
	thenFalls, err := m.lowerList(s.Body.List)
	if err != nil {
		return false, err
	}
	endBranch(thenFalls)
	switch e := s.Else.(type) {
	case nil:
		start.depth--
		m.write("}")
		endBranch(true)
	case *ast.BlockStmt:
		m.write("} else {")
		elseFalls, err := m.lowerList(e.List)
		if err != nil {
			return false, err
		}
		endBranch(elseFalls)
		start.depth--
		m.write("}")
	case *ast.IfStmt:
		m.write("} else {")
		elseFalls, err := m.lowerStmt(e)
		if err != nil {
			return false, err
		}
		endBranch(elseFalls)
		start.depth--
		m.write("}")
	}
	if join == nil {
		return falls, nil
	}
	// Some branch reached the join from another state, so the branches
	// that stayed in start must jump there too.
	for i := len(stay) - 1; i >= 0; i-- {
		m.insertJump(start, stay[i], join)
	}
	m.cur = join
	return true, nil
}

// pendingJump is a place in a state's code where a jump may have to be
// added once the rest of an if has been lowered.
type pendingJump struct {
	text, event, depth int // offset in the code, index in the events, nesting
}

// insertJump adds a jump to target at place p of blk's code.
func (m *machine) insertJump(blk *block, p pendingJump, target *block) {
	jump := fmt.Sprintf("%s.%s = %s\n", m.recv, m.stateField, target.name)
	if p.depth > 0 {
		jump += "continue\n"
	}
	code := blk.text.String()
	blk.text.Reset()
	blk.text.WriteString(code[:p.text] + jump + code[p.text:])
	blk.events = append(blk.events[:p.event], append([]event{{kind: jumpEvent, target: target.index}}, blk.events[p.event:]...)...)
}

// lowerFor lowers a loop that waits. Its init runs in the current state;
// the condition and the body's first part become a state of their own, and
// the end of the body (or a continue) runs the post statement and jumps
// back to it. The code after the loop is a state too, reached when the
// condition fails or at a break.
func (m *machine) lowerFor(s *ast.ForStmt) (bool, error) {
	if s.Init != nil {
		m.noteStmt(s.Init)
		m.write("%s // %s: the loop's init", m.render(s.Init), m.g.line(s.Init.Pos()))
	}
	what := "for {"
	if s.Cond != nil {
		what = "for " + oneLine(m.g.text(s.Cond)) + " {"
	}
	head := m.newBlock("Loop", s.Pos(), what)
	m.jump(head)
	m.cur = head
	loop := &loopCtx{stmt: s, head: head}
	if s.Cond != nil {
		m.note(s.Cond)
		m.write("if !(%s) { // %s: the loop ends", m.render(s.Cond), m.g.line(s.Cond.Pos()))
		m.cur.depth++
		m.jump(m.afterLoop(loop))
		m.cur.depth--
		m.write("}")
	}
	m.loops = append(m.loops, loop)
	falls, err := m.lowerList(s.Body.List)
	if err != nil {
		return false, err
	}
	if falls {
		m.nextIteration(loop)
	}
	m.loops = m.loops[:len(m.loops)-1]
	if loop.after == nil {
		return false, nil
	}
	m.cur = loop.after
	return true, nil
}

// afterLoop returns the state after loop, making it on first use.
func (m *machine) afterLoop(loop *loopCtx) *block {
	if loop.after == nil {
		loop.after = m.newBlock("AfterLoop", loop.stmt.End(), "after the loop at "+m.g.line(loop.stmt.Pos()))
	}
	return loop.after
}

// nextIteration runs the loop's post statement and jumps back to its
// condition.
func (m *machine) nextIteration(loop *loopCtx) {
	if post := loop.stmt.Post; post != nil {
		m.noteStmt(post)
		m.write("%s // %s: the loop's post statement", m.render(post), m.g.line(post.Pos()))
	}
	m.jump(loop.head)
}

// lowerBranch turns a break or continue of a loop that waits into a jump.
func (m *machine) lowerBranch(s *ast.BranchStmt) error {
	if len(m.loops) == 0 {
		return m.g.refuse(s.Pos(), "this %s leaves a loop corofy copies as written for one that waits; move the wait out or the jump in", s.Tok)
	}
	loop := m.loops[len(m.loops)-1]
	m.write("// %s: %s", m.g.line(s.Pos()), s.Tok)
	if s.Tok == token.BREAK {
		m.jump(m.afterLoop(loop))
		return nil
	}
	m.nextIteration(loop)
	return nil
}

// lowerFirst makes the first letter of name lower case, for the names of
// the state type and its constants, which stay inside the package.
func lowerFirst(name string) string {
	return strings.ToLower(name[:1]) + name[1:]
}
