// This file refuses, before any code is written, the constructs corofy does
// not turn into states. Each refusal says where and why, and what to write
// instead.

package main

import (
	"go/ast"
	"go/token"
)

// check walks the body once for constructs that are never supported, then
// makes sure every Wait sits where the lowering can split the code.
func (m *machine) check() error {
	var err error
	ast.Inspect(m.fn.Body, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.DeferStmt:
			err = m.g.refuse(n.Pos(), "defer is not supported: a deferred call would run each time Poll returns, not when the function ends")
		case *ast.GoStmt:
			err = m.g.refuse(n.Pos(), "a go statement is not supported: the goroutine would share the state machine's fields")
		case *ast.LabeledStmt:
			err = m.g.refuse(n.Pos(), "labels are not supported: use break and continue of the innermost loop, or a flag")
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				err = m.g.refuse(n.Pos(), "goto is not supported: use if and for")
			}
		case *ast.FuncLit:
			if m.containsWait(n.Body) {
				err = m.g.refuse(n.Pos(), "a wait inside a function literal belongs to that function, not to %s; corofy rewrites only waits in the marked function's own body", m.fn.Name.Name)
			}
			return false
		}
		return true
	})
	if err != nil {
		return err
	}
	allowed := map[*ast.CallExpr]bool{}
	if err := m.checkList(m.fn.Body.List, allowed); err != nil {
		return err
	}
	ast.Inspect(m.fn.Body, func(n ast.Node) bool {
		if err != nil {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok && m.isWait(call) && !allowed[call] {
			err = m.g.refuse(call.Pos(), "Wait must be the whole right-hand side of a statement `v, err := Wait(f)` or `v, err = Wait(f)`; assign its result first, then use it")
			return false
		}
		return true
	})
	return err
}

// checkList checks the statements of one block and records the Wait calls
// that stand where the lowering can split the code.
func (m *machine) checkList(list []ast.Stmt, allowed map[*ast.CallExpr]bool) error {
	for _, s := range list {
		if call := m.waitAssign(s); call != nil {
			allowed[call] = true
			continue
		}
		if !m.containsWait(s) {
			continue
		}
		switch s := s.(type) {
		case *ast.IfStmt:
			if s.Init != nil {
				return m.g.refuse(s.Pos(), "an if with an init statement and a wait inside is not supported: move `%s` before the if", oneLine(m.g.text(s.Init)))
			}
			if err := m.checkList(s.Body.List, allowed); err != nil {
				return err
			}
			switch e := s.Else.(type) {
			case *ast.BlockStmt:
				if err := m.checkList(e.List, allowed); err != nil {
					return err
				}
			case *ast.IfStmt:
				if err := m.checkList([]ast.Stmt{e}, allowed); err != nil {
					return err
				}
			}
		case *ast.ForStmt:
			if err := m.checkList(s.Body.List, allowed); err != nil {
				return err
			}
		case *ast.RangeStmt:
			return m.g.refuse(s.Pos(), "a range loop with a wait inside is not supported: write it as a three-clause loop, e.g. for i := 0; i < n; i++")
		case *ast.SwitchStmt, *ast.TypeSwitchStmt:
			return m.g.refuse(s.Pos(), "a switch with a wait inside is not supported: write it as if / else if")
		case *ast.SelectStmt:
			return m.g.refuse(s.Pos(), "a select with a wait inside is not supported: a select waits on channels, which a future's Poll must never do")
		case *ast.BlockStmt:
			return m.g.refuse(s.Pos(), "a bare block { ... } with a wait inside is not supported: remove the braces")
		}
	}
	return nil
}

// escapingBranch returns a break or continue inside s that leaves s for an
// enclosing loop, or nil. Such a jump in a loop that waits must become a
// change of state, so the statement around it cannot be copied as written.
func escapingBranch(s ast.Stmt) *ast.BranchStmt {
	var found *ast.BranchStmt
	var walk func(n ast.Node, breakBound bool)
	walk = func(n ast.Node, breakBound bool) {
		ast.Inspect(n, func(x ast.Node) bool {
			if found != nil {
				return false
			}
			switch x := x.(type) {
			case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt:
				return false
			case *ast.SwitchStmt:
				walk(x.Body, true)
				return false
			case *ast.TypeSwitchStmt:
				walk(x.Body, true)
				return false
			case *ast.SelectStmt:
				walk(x.Body, true)
				return false
			case *ast.BranchStmt:
				if x.Tok == token.CONTINUE || (x.Tok == token.BREAK && !breakBound) {
					found = x
				}
			}
			return true
		})
	}
	walk(s, false)
	return found
}

// terminates reports whether s certainly does not carry on to the next
// statement (Go's "terminating statement", for the forms corofy copies).
func terminates(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.BREAK || s.Tok == token.CONTINUE
	case *ast.ExprStmt:
		call, ok := s.X.(*ast.CallExpr)
		if !ok {
			return false
		}
		id, ok := call.Fun.(*ast.Ident)
		return ok && id.Name == "panic"
	case *ast.BlockStmt:
		return len(s.List) > 0 && terminates(s.List[len(s.List)-1])
	case *ast.IfStmt:
		return s.Else != nil && terminates(s.Body) && terminates(s.Else)
	case *ast.SwitchStmt:
		return clausesTerminate(s.Body)
	case *ast.TypeSwitchStmt:
		return clausesTerminate(s.Body)
	case *ast.SelectStmt:
		return clausesTerminate(s.Body)
	case *ast.ForStmt:
		if s.Cond != nil {
			return false
		}
		return !hasBreak(s.Body.List)
	}
	return false
}

// clausesTerminate reports whether a switch or select with this body never
// carries on: it has a default (a select need not), every clause ends in a
// terminating statement or a fallthrough, and no break leaves it.
func clausesTerminate(body *ast.BlockStmt) bool {
	hasDefault := false
	for _, c := range body.List {
		var list []ast.Stmt
		switch c := c.(type) {
		case *ast.CaseClause:
			hasDefault = hasDefault || c.List == nil
			list = c.Body
		case *ast.CommClause:
			hasDefault = true
			list = c.Body
		}
		if len(list) == 0 {
			return false
		}
		last := list[len(list)-1]
		if b, ok := last.(*ast.BranchStmt); ok && b.Tok == token.FALLTHROUGH {
			continue
		}
		if !terminates(last) || hasBreak(list) {
			return false
		}
	}
	return hasDefault
}

// hasBreak reports whether an unlabelled break in list leaves the
// statement list's own switch or select.
func hasBreak(list []ast.Stmt) bool {
	found := false
	for _, s := range list {
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				return false
			case *ast.BranchStmt:
				found = found || n.Tok == token.BREAK
			}
			return !found
		})
	}
	return found
}
