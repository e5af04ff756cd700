// This file checks that the manifest, the markers and the tests agree: every
// marker has an entry, every entry has a marker, every listed test exists,
// and each entry is complete enough to teach from.

package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// testName is the go command's rule for a test function's name: Test, then
// anything that does not start with a lower-case letter.
var testName = regexp.MustCompile(`^Test([^a-z].*)?$`)

// parseTestRef parses "dir:TestName".
func parseTestRef(s string) (TestRef, error) {
	dir, name, ok := strings.Cut(s, ":")
	if !ok || dir == "" || name == "" {
		return TestRef{}, fmt.Errorf("test %q must be written as \"pkgdir:TestName\", e.g. \"stage01_future:TestHTTPGetReturnsBody\"", s)
	}
	clean := path.Clean(dir)
	if clean != dir || path.IsAbs(dir) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(dir, "\\") {
		return TestRef{}, fmt.Errorf("test %q: the folder must be a clean path relative to the module root, with forward slashes", s)
	}
	if !testName.MatchString(name) {
		return TestRef{}, fmt.Errorf("test %q: %q is not a test function name (TestXxx); subtests cannot be listed", s, name)
	}
	return TestRef{Dir: dir, Name: name}, nil
}

// validateProject cross-checks the manifest against the markers and the
// test files under root.
func validateProject(root string, m *Manifest, markers []*Marker) problems {
	var probs problems
	file := m.Path
	firstLine := map[string]int{}
	index := map[string]int{}
	tests := testIndex{root: root, funcs: map[string]map[string]string{}}
	lastStage := 0
	for i, e := range m.Exercises {
		switch {
		case e.ID == "":
			probs.add(file, e.Line, "exercise has no id")
		case !validID.MatchString(e.ID):
			probs.add(file, e.keyLine("id"), "exercise id %q must be lower-case letters, digits and single dashes, starting with a letter", e.ID)
		default:
			if first, dup := firstLine[e.ID]; dup {
				probs.add(file, e.keyLine("id"), "duplicate exercise id %q (first at line %d)", e.ID, first)
			} else {
				firstLine[e.ID] = e.keyLine("id")
				index[e.ID] = i
			}
		}
		name := e.ID
		if e.Stage < 1 {
			probs.add(file, e.keyLine("stage"), "exercise %q: stage must be a stage number (1, 2, ...)", name)
		} else if e.Stage < lastStage {
			probs.add(file, e.keyLine("stage"), "exercise %q: stage %d comes after stage %d; the file's order is the learner's order", name, e.Stage, lastStage)
		} else {
			lastStage = e.Stage
		}
		if strings.TrimSpace(e.Title) == "" {
			probs.add(file, e.keyLine("title"), "exercise %q has no title", name)
		}
		if strings.TrimSpace(e.Concept) == "" {
			probs.add(file, e.keyLine("concept"), "exercise %q has no concept (one sentence on what it teaches)", name)
		}
		if n := len(e.Hints); n < 1 || n > 3 {
			probs.add(file, e.keyLine("hints"), "exercise %q has %d hints; give 1 to 3, from gentle to nearly the answer", name, n)
		}
		for _, h := range e.Hints {
			if strings.TrimSpace(h) == "" {
				probs.add(file, e.keyLine("hints"), "exercise %q has an empty hint", name)
			}
		}
		if e.Points < 1 {
			probs.add(file, e.keyLine("points"), "exercise %q: points must be at least 1", name)
		}
		if len(e.Tests) == 0 {
			probs.add(file, e.keyLine("tests"), "exercise %q lists no tests", name)
		}
		for _, t := range e.Tests {
			ref, err := parseTestRef(t)
			if err != nil {
				probs.add(file, e.keyLine("tests"), "exercise %q: %v", name, err)
				continue
			}
			if msg := tests.missing(ref); msg != "" {
				probs.add(file, e.keyLine("tests"), "exercise %q: %s", name, msg)
			} else if f := tests.file(ref); strings.HasSuffix(f, hiddenTestSuffix) {
				probs.add(file, e.keyLine("tests"), "exercise %q: test %s is in %s, a file of hidden tests; list it under hidden, or move it to a file not named *%s", name, ref, f, hiddenTestSuffix)
			}
		}
		for _, t := range e.Hidden {
			ref, err := parseTestRef(t)
			if err != nil {
				probs.add(file, e.keyLine("hidden"), "exercise %q: %v", name, err)
				continue
			}
			if msg := tests.missing(ref); msg != "" {
				probs.add(file, e.keyLine("hidden"), "exercise %q: %s", name, msg)
			} else if f := tests.file(ref); !strings.HasSuffix(f, hiddenTestSuffix) {
				probs.add(file, e.keyLine("hidden"), "exercise %q: hidden test %s is in %s, which the student edition keeps; move it to a file named *%s", name, ref, f, hiddenTestSuffix)
			}
			if slices.Contains(e.Tests, t) {
				probs.add(file, e.keyLine("hidden"), "exercise %q lists %s under both tests and hidden; keep one", name, t)
			}
		}
		seenReq := map[string]bool{}
		for _, r := range e.Requires {
			_, known := index[r] // index holds only the exercises above this one
			switch {
			case r == e.ID:
				probs.add(file, e.keyLine("requires"), "exercise %q requires itself", name)
			case seenReq[r]:
				probs.add(file, e.keyLine("requires"), "exercise %q requires %q twice", name, r)
			case !known && m.ByID(r) != nil:
				probs.add(file, e.keyLine("requires"), "exercise %q requires %q, which comes later in the file; list required exercises first (the file's order is the learner's order)", name, r)
			case !known:
				probs.add(file, e.keyLine("requires"), "exercise %q requires unknown exercise %q%s", name, r, didYouMean(r, m.IDs()))
			}
			seenReq[r] = true
		}
	}
	marked := map[string]bool{}
	for _, mk := range markers {
		marked[mk.ID] = true
		if m.ByID(mk.ID) == nil {
			probs.add(mk.File, mk.Line, "marker %q on %s has no entry in %s%s", mk.ID, mk.Func, file, didYouMean(mk.ID, m.IDs()))
		}
	}
	for _, e := range m.Exercises {
		if e.ID != "" && !marked[e.ID] {
			probs.add(file, e.keyLine("id"), "exercise %q has no marker; add the line %s %s to the doc comment of its function", e.ID, markerPrefix, e.ID)
		}
	}
	return probs
}

// testIndex finds test functions by parsing a folder's _test.go files once.
type testIndex struct {
	root  string
	funcs map[string]map[string]string // dir -> test name -> file name
}

// missing says why ref does not name an existing test, or "" if it does.
func (ti testIndex) missing(ref TestRef) string {
	funcs, ok := ti.funcs[ref.Dir]
	if !ok {
		funcs = ti.load(ref.Dir)
		ti.funcs[ref.Dir] = funcs
	}
	if funcs == nil {
		return fmt.Sprintf("test %s: folder %s has no _test.go files", ref, ref.Dir)
	}
	if funcs[ref.Name] == "" {
		return fmt.Sprintf("test %s does not exist (no func %s(t *testing.T) in %s/*_test.go)", ref, ref.Name, ref.Dir)
	}
	return ""
}

// file is the name of the file that holds the test ref, or "".
func (ti testIndex) file(ref TestRef) string {
	if ti.missing(ref) != "" {
		return ""
	}
	return ti.funcs[ref.Dir][ref.Name]
}

// load parses the _test.go files of dir, or returns nil if there are none.
func (ti testIndex) load(dir string) map[string]string {
	full := filepath.Join(ti.root, filepath.FromSlash(dir))
	entries, err := os.ReadDir(full)
	if err != nil {
		return nil
	}
	var funcs map[string]string
	fset := token.NewFileSet()
	for _, en := range entries {
		if en.IsDir() || !strings.HasSuffix(en.Name(), "_test.go") {
			continue
		}
		if funcs == nil {
			funcs = map[string]string{}
		}
		f, err := parser.ParseFile(fset, filepath.Join(full, en.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			continue // the go command will report the syntax error itself
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && isTestSignature(fn) {
				funcs[fn.Name.Name] = en.Name()
			}
		}
	}
	return funcs
}

// isTestSignature reports whether fn looks like func TestX(t *testing.T).
func isTestSignature(fn *ast.FuncDecl) bool {
	params := fn.Type.Params.List
	if len(params) != 1 || len(params[0].Names) > 1 || fn.Type.Results != nil {
		return false
	}
	star, ok := params[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "T"
}
