// This file finds the names corofy's output relies on in the package it
// writes into. The workbook's stages all define them the same way, so the
// generated state machine speaks the stage's own vocabulary: its Future,
// its Poll answer, and its Pending, Ready and Failed constructors.

package main

import (
	"fmt"
	"go/types"
)

// contract is what the package must provide, looked up by name and checked
// by type, so that a missing or different definition is refused with a
// reason instead of producing code that does not compile.
type contract struct {
	wait       *types.Func     // func Wait[T any](f Future[T]) (T, error): the marker
	future     *types.TypeName // type Future[T any] interface{ Poll(...) Poll[T] }
	poll       *types.TypeName // type Poll[T any] struct{ Ready bool; Value T; Err error }
	pollParams *types.Tuple    // the parameters of Future's Poll method (none, or a Waker)
	afterDone  *types.Var      // errPolledAfterDone: the answer to a poll after the end
}

// contractNames lists what lookContract needs, for the refusal message.
const contractNames = "Wait, Future, Poll, Pending, Ready, Failed and errPolledAfterDone"

// lookContract finds and checks the contract in pkg.
func lookContract(pkg *types.Package) (*contract, error) {
	scope := pkg.Scope()
	missing := func(name, what string) error {
		return fmt.Errorf("package %s has no %s %s; corofy needs %s declared in the package", pkg.Name(), what, name, contractNames)
	}
	c := &contract{}
	var ok bool
	if c.wait, ok = scope.Lookup("Wait").(*types.Func); !ok {
		return nil, missing("Wait", "function")
	}
	if c.future, ok = scope.Lookup("Future").(*types.TypeName); !ok {
		return nil, missing("Future", "type")
	}
	if c.poll, ok = scope.Lookup("Poll").(*types.TypeName); !ok {
		return nil, missing("Poll", "type")
	}
	for _, name := range []string{"Pending", "Ready", "Failed"} {
		if _, ok := scope.Lookup(name).(*types.Func); !ok {
			return nil, missing(name, "function")
		}
	}
	if c.afterDone, ok = scope.Lookup("errPolledAfterDone").(*types.Var); !ok {
		return nil, missing("errPolledAfterDone", "variable")
	}
	iface, ok := c.future.Type().Underlying().(*types.Interface)
	if !ok {
		return nil, fmt.Errorf("the type Future in package %s is not an interface", pkg.Name())
	}
	found := false
	for i := range iface.NumMethods() {
		if m := iface.Method(i); m.Name() == "Poll" {
			c.pollParams, found = m.Type().(*types.Signature).Params(), true
		}
	}
	if !found {
		return nil, fmt.Errorf("the type Future in package %s has no Poll method", pkg.Name())
	}
	st, ok := c.poll.Type().Underlying().(*types.Struct)
	if !ok {
		return nil, fmt.Errorf("the type Poll in package %s is not a struct", pkg.Name())
	}
	fields := map[string]bool{}
	for i := range st.NumFields() {
		fields[st.Field(i).Name()] = true
	}
	if !fields["Ready"] || !fields["Value"] || !fields["Err"] {
		return nil, fmt.Errorf("the type Poll in package %s needs the fields Ready, Value and Err", pkg.Name())
	}
	sig := c.wait.Type().(*types.Signature)
	if sig.TypeParams().Len() != 1 || sig.Params().Len() != 1 || sig.Results().Len() != 2 {
		return nil, fmt.Errorf("the function Wait in package %s must be func Wait[T any](f Future[T]) (T, error)", pkg.Name())
	}
	return c, nil
}
