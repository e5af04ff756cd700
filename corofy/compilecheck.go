// This file is corofy's last check before it writes anything: the
// generated file must type-check as part of the package it was made for.
// A refusal names what corofy cannot do; this check catches what corofy
// believes it can do but got wrong, so that a bug shows up as an error at
// generate time, never as a file that does not build.

package main

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/types"
)

// checkCompiles type-checks out, the file called name, together with the
// package l was loaded from.
func checkCompiles(l *loaded, name string, out []byte) error {
	file, err := parser.ParseFile(l.fset, name, out, 0)
	if err != nil {
		return fmt.Errorf("corofy wrote Go that does not parse, a bug in corofy: %w", err)
	}
	// The generated file must see the same packages as its source (the same
	// io.Writer, not a second copy of package io); any other import is
	// from the standard library.
	known := map[string]*types.Package{}
	var add func(p *types.Package)
	add = func(p *types.Package) {
		if known[p.Path()] != nil {
			return
		}
		known[p.Path()] = p
		for _, q := range p.Imports() {
			add(q)
		}
	}
	add(l.pkg)
	std := importer.Default()
	conf := &types.Config{Importer: importerFunc(func(path string) (*types.Package, error) {
		if p, ok := known[path]; ok {
			return p, nil
		}
		return std.Import(path)
	})}
	if err := types.NewChecker(conf, l.fset, l.pkg, nil).Files([]*ast.File{file}); err != nil {
		return fmt.Errorf("corofy wrote Go that does not compile, a bug in corofy; nothing was written: %w", err)
	}
	return nil
}

// importerFunc makes a function a types.Importer.
type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
