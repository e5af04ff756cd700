// This file loads the package corofy writes into, with full type
// information, so that every field gets the type go/types gives its
// variable rather than a guess from the text.

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"
)

// generatedSuffix ends the name of every file corofy writes.
const generatedSuffix = "_corofied.go"

// outputName is the file corofy writes for input: coroutine_source.go
// gives coroutine_corofied.go, other.go gives other_corofied.go.
func outputName(input string) string {
	base := strings.TrimSuffix(input, ".go")
	base = strings.TrimSuffix(base, "_source")
	return base + generatedSuffix
}

// loaded is one source file of a type-checked package.
type loaded struct {
	fset *token.FileSet
	file *ast.File
	src  []byte
	pkg  *types.Package
	info *types.Info
}

// load type-checks the package that holds the file at path and returns
// that file of it.
func load(path string) (*loaded, error) {
	files, err := loadPackage(path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	l, ok := files[abs]
	if !ok {
		return nil, fmt.Errorf("%s is not part of the package built in %s (a build constraint may exclude it on this system)", path, filepath.Dir(abs))
	}
	return l, nil
}

// loadPackage type-checks the package that holds the file at path and
// returns each of its files by absolute name. The package's earlier
// generated files are read as empty: they may be out of date, and the
// source must type-check without them.
func loadPackage(path string) (map[string]*loaded, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	head, err := parser.ParseFile(fset, abs, src, parser.PackageClauseOnly)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(abs)
	overlay := map[string][]byte{}
	old, err := filepath.Glob(filepath.Join(dir, "*"+generatedSuffix))
	if err != nil {
		return nil, err
	}
	for _, f := range old {
		overlay[f] = []byte("package " + head.Name.Name + "\n")
	}
	cfg := &packages.Config{
		Mode:    packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Dir:     dir,
		Fset:    fset,
		Overlay: overlay,
	}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		return nil, fmt.Errorf("load the package in %s: %w", dir, err)
	}
	files := map[string]*loaded{}
	for _, pkg := range pkgs {
		if len(pkg.Errors) > 0 {
			var msgs []string
			for _, e := range pkg.Errors {
				msgs = append(msgs, e.Error())
			}
			return nil, fmt.Errorf("the package in %s does not compile; corofy reads only code that does:\n%s", dir, strings.Join(msgs, "\n"))
		}
		for i, name := range pkg.CompiledGoFiles {
			text, err := os.ReadFile(name)
			if err != nil {
				return nil, err
			}
			files[name] = &loaded{fset: fset, file: pkg.Syntax[i], src: text, pkg: pkg.Types, info: pkg.TypesInfo}
		}
	}
	return files, nil
}
