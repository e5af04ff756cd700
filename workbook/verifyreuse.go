// This file decides which packages verify need not test again in a variant.
//
// Variants differ from the student edition only in the marked files of the
// exercises they restore. A test package that is built from none of those
// folders (go list -deps -test says which module folders its test binary
// is built from) and that names none of them in a string literal (a test
// may build or read another stage's source at run time) is compiled from
// exactly the student edition's source, so it is the same binary and gives
// the same outcomes: verify takes them from the student edition's run.

package main

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// packageDeps knows, for each folder with listed tests, which module folders
// can change what its tests do.
type packageDeps struct {
	// inputs maps a test folder to the module folders it depends on: its
	// own, those its test binary is built from, and those it names. A
	// folder missing here depends on everything.
	inputs map[string]map[string]bool
}

// loadPackageDeps asks the go command, in the module at dir, what the test
// binary of each folder in testDirs is built from, and reads those folders'
// .go files for the names of markedDirs.
func loadPackageDeps(ctx context.Context, dir string, testDirs, markedDirs []string) (*packageDeps, error) {
	modPath, err := readModulePath(dir)
	if err != nil {
		return nil, err
	}
	args := []string{"list", "-e", "-test", "-f", "{{.ImportPath}}{{range .Deps}}\t{{.}}{{end}}"}
	for _, d := range testDirs {
		args = append(args, "./"+d)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("list the packages the tests depend on (go list -deps -test): %w: %s", err, lastLines(stderr.Bytes(), 5))
	}
	// The generated main package of a test binary, "pkg.test", depends
	// on everything the binary is built from.
	binDeps := map[string][]string{}
	for _, line := range strings.Split(stdout.String(), "\n") {
		fields := strings.Split(line, "\t")
		if name, ok := strings.CutSuffix(fields[0], ".test"); ok {
			binDeps[name] = fields[1:]
		}
	}
	pd := &packageDeps{inputs: map[string]map[string]bool{}}
	for _, td := range testDirs {
		deps, ok := binDeps[importPathOf(modPath, td)]
		if !ok {
			continue // unknown: counts as depending on everything
		}
		in := map[string]bool{td: true}
		for _, dep := range deps {
			// A package recompiled for the test binary is listed as
			// "path [pkg.test]".
			dep, _, _ = strings.Cut(dep, " ")
			switch {
			case dep == modPath:
				in["."] = true
			case strings.HasPrefix(dep, modPath+"/"):
				in[strings.TrimPrefix(dep, modPath+"/")] = true
			}
		}
		named, err := namedFolders(filepath.Join(dir, filepath.FromSlash(td)), markedDirs)
		if err != nil {
			return nil, err
		}
		for _, m := range named {
			in[m] = true
		}
		pd.inputs[td] = in
	}
	return pd, nil
}

// affected reports whether the tests in testDir may behave differently
// once the marked files in the touched folders change.
func (pd *packageDeps) affected(testDir string, touched map[string]bool) bool {
	in, ok := pd.inputs[testDir]
	if !ok {
		return true
	}
	for d := range touched {
		if in[d] {
			return true
		}
	}
	return false
}

// namedFolders lists the folders of candidates whose last element appears
// in a string literal of a .go file in pkgDir, test files included. It errs
// on the side of "named": a folder's name in any literal counts.
func namedFolders(pkgDir string, candidates []string) ([]string, error) {
	entries, err := os.ReadDir(pkgDir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", pkgDir, err)
	}
	found := map[string]bool{}
	fset := token.NewFileSet()
	for _, en := range entries {
		if en.IsDir() || !strings.HasSuffix(en.Name(), ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(pkgDir, en.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			// Unparsable: it might name anything.
			return candidates, nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			text, err := strconv.Unquote(lit.Value)
			if err != nil {
				text = lit.Value
			}
			for _, c := range candidates {
				if c != "." && strings.Contains(text, path.Base(c)) {
					found[c] = true
				}
			}
			return true
		})
	}
	return sortedKeys(found), nil
}
