// This file looks for a second kind of near copy, one the token ratio of
// nearcopy.go misses: a test helper that does what an exercise's answer does
// with the same system calls, wrapped in test code (require.NoError instead
// of a wrapped error, a retry loop, a slice of its own). Its tokens differ
// enough to stay under the ratio, yet a learner who reads the helper has
// the answer. What gives an answer away is what it asks of the kernel and
// which of the package's own helpers it calls, so that is what is compared.

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
)

const (
	// answerCallsMin is how many kernel names and helper calls a reference
	// body must use before a copy of them counts: with fewer, any test of
	// the same system call would match.
	answerCallsMin = 3
	// answerCallsShare is the share of them a test function must use too.
	answerCallsShare = 0.75
)

// kernelPackages are the packages through which a body talks to the kernel.
var kernelPackages = map[string]bool{"unix": true, "syscall": true}

// answerCalls lists, sorted and each once, what a function body takes from
// the kernel's packages (unix.EpollCtl, unix.EPOLL_CTL_ADD, unix.EINTR) and
// which unexported functions of its own package it calls (setEventID), the
// working parts of an answer. Built-in functions, other packages (fmt,
// errors, time) and exported functions, the API every test is meant to
// use, say nothing about one answer in particular. A body that does not
// parse has none.
func answerCalls(body string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() {\n"+body+"\n}\n", parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	set := map[string]bool{}
	ast.Inspect(f.Decls[0], func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok && kernelPackages[x.Name] {
				set[x.Name+"."+n.Sel.Name] = true
			}
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && !id.IsExported() && !isBuiltin(id.Name) {
				set[id.Name] = true
			}
		}
		return true
	})
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// isBuiltin reports whether name is one of Go's built-in functions or a
// conversion to a predeclared type.
func isBuiltin(name string) bool {
	switch name {
	case "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max", "min",
		"new", "panic", "print", "println", "real", "recover",
		"bool", "byte", "rune", "string", "error", "int", "int8", "int16", "int32", "int64",
		"uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "float32", "float64":
		return true
	}
	return false
}

// sameCallsAs compares the answer calls of a test function with every
// reference and describes the reference it covers most, if it uses at least
// answerCallsShare of that reference's calls; otherwise it returns "".
func sameCallsAs(calls []string, refs []referenceBody) string {
	if len(calls) == 0 {
		return ""
	}
	var best *referenceBody
	var bestShared []string
	bestShare := 0.0
	for i := range refs {
		ref := &refs[i]
		if len(ref.calls) < answerCallsMin {
			continue
		}
		var shared []string
		for _, c := range ref.calls {
			if _, found := slices.BinarySearch(calls, c); found {
				shared = append(shared, c)
			}
		}
		share := float64(len(shared)) / float64(len(ref.calls))
		if len(shared) >= answerCallsMin && share >= answerCallsShare && share > bestShare {
			best, bestShared, bestShare = ref, shared, share
		}
	}
	if best == nil {
		return ""
	}
	return fmt.Sprintf("uses %d of the %d calls of the solution of exercise %s (%s, %s): %s; a test that repeats the answer gives it away, so check through another path (the kernel's own view, or the learner's code)",
		len(bestShared), len(best.calls), best.m.ID, best.m.Func, best.m.Pos(), strings.Join(bestShared, ", "))
}
