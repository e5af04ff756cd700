// Tests for corofy itself: the generated files in examples/ are its golden
// files (regenerated here and compared byte for byte; the examples' own
// tests compile and run them), and every refusal is checked for its
// file:line and reason.

package main

import (
	"flag"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in examples/ instead of comparing")

// TestGoldenExamples regenerates each example's state machine and compares
// it with the committed one: one golden file per supported shape.
func TestGoldenExamples(t *testing.T) {
	sources, err := filepath.Glob("examples/*_source.go")
	require.NoError(t, err)
	for _, shape := range []string{"sequence", "branch", "loop", "early_return", "errors"} {
		require.Contains(t, sources, "examples/"+shape+"_source.go", "every supported shape needs an example and a golden file")
	}
	files, err := loadPackage(sources[0])
	require.NoError(t, err)
	for _, src := range sources {
		t.Run(filepath.Base(src), func(t *testing.T) {
			abs, err := filepath.Abs(src)
			require.NoError(t, err)
			l := files[abs]
			require.NotNil(t, l, "%s was not loaded with its package", src)
			got, err := generate(l.fset, l.file, l.src, filepath.Base(src), l.pkg, l.info)
			require.NoError(t, err)
			golden := filepath.Join("examples", outputName(filepath.Base(src)))
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go generate ./corofy/... to write the golden file")
			assert.Equal(t, string(want), string(got), "the generated code differs from %s; if the change is meant, run go generate ./corofy/...", golden)
			assert.NoError(t, checkCompiles(l, golden, got), "the generated file must type-check with its package")
			assert.Regexp(t, regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.\n`), string(got), "go tools recognise generated files by this first line")
		})
	}
}

// prelude is the vocabulary corofy needs, for in-memory test packages.
const prelude = `package p

import (
	"errors"
	"fmt"
)

type Poll[T any] struct {
	Ready bool
	Value T
	Err   error
}

func Pending[T any]() Poll[T]        { return Poll[T]{} }
func Ready[T any](v T) Poll[T]       { return Poll[T]{Ready: true, Value: v} }
func Failed[T any](err error) Poll[T] { return Poll[T]{Ready: true, Err: err} }

type Future[T any] interface{ Poll() Poll[T] }

var errPolledAfterDone = errors.New("done")

func Wait[T any](f Future[T]) (T, error) { panic("never called") }

var _ = fmt.Sprint
`

// generateSource type-checks prelude+code as input.go and runs corofy on it.
func generateSource(t *testing.T, code string) ([]byte, error) {
	t.Helper()
	fset := token.NewFileSet()
	src := []byte(prelude + code)
	file, err := parser.ParseFile(fset, "input.go", src, parser.ParseComments)
	require.NoError(t, err)
	info := &types.Info{
		Types:  map[ast.Expr]types.TypeAndValue{},
		Defs:   map[*ast.Ident]types.Object{},
		Uses:   map[*ast.Ident]types.Object{},
		Scopes: map[ast.Node]*types.Scope{},
	}
	conf := types.Config{Importer: importer.Default()}
	pkg, err := conf.Check("p", fset, []*ast.File{file}, info)
	require.NoError(t, err, "the test's input must compile")
	return generate(fset, file, src, "input.go", pkg, info)
}

// lineOf is the line of input.go on which marker first appears.
func lineOf(t *testing.T, code, marker string) int {
	t.Helper()
	i := strings.Index(prelude+code, marker)
	require.GreaterOrEqual(t, i, 0, "marker %q not in the code", marker)
	return strings.Count((prelude + code)[:i], "\n") + 1
}

func TestRefusals(t *testing.T) {
	cases := []struct {
		name, code, at, reason string
	}{
		{"a wait inside an expression", `
//corofy:coroutine m
func f(get func() Future[int]) (int, error) {
	n, err := Wait(get())
	return n + len(fmt.Sprint(Wait(get()))), err
}`, "fmt.Sprint(Wait", "Wait must be the whole right-hand side"},
		{"a wait in a range loop", `
//corofy:coroutine m
func f(get func() Future[int], xs []int) error {
	for range xs {
		_, err := Wait(get())
		if err != nil {
			return err
		}
	}
	return nil
}`, "for range", "range loop with a wait inside"},
		{"a wait in a switch", `
//corofy:coroutine m
func f(get func() Future[int], k int) error {
	switch k {
	case 1:
		_, err := Wait(get())
		return err
	}
	return nil
}`, "switch k", "switch with a wait inside"},
		{"defer", `
//corofy:coroutine m
func f(get func() Future[int]) error {
	defer fmt.Println("bye")
	_, err := Wait(get())
	return err
}`, "defer", "defer is not supported"},
		{"a wait in a function literal", `
//corofy:coroutine m
func f(get func() Future[int]) error {
	g := func() error {
		_, err := Wait(get())
		return err
	}
	return g()
}`, "func() error", "inside a function literal"},
		{"a closure over a variable that crosses a wait", `
//corofy:coroutine m
func f(get func() Future[int]) (int, error) {
	total := 1
	n, err := Wait(get())
	add := func() int { return total + n }
	return add(), err
}`, "total + n", "the function literal uses total"},
		{"an if init around a wait", `
//corofy:coroutine m
func f(get func() Future[int]) error {
	if k := 1; k > 0 {
		_, err := Wait(get())
		return err
	}
	return nil
}`, "if k := 1", "move `k := 1` before the if"},
		{"a label", `
//corofy:coroutine m
func f(get func() Future[int]) error {
outer:
	for {
		_, err := Wait(get())
		if err != nil {
			break outer
		}
	}
	return nil
}`, "outer:", "labels are not supported"},
		{"a method", `
type s struct{}

//corofy:coroutine m
func (s) f(get func() Future[int]) error {
	_, err := Wait(get())
	return err
}`, "func (s) f", "is a method"},
		{"named results", `
//corofy:coroutine m
func f(get func() Future[int]) (n int, err error) {
	n, err = Wait(get())
	return
}`, "(n int, err error)", "named results"},
		{"three results", `
//corofy:coroutine m
func f(get func() Future[int]) (int, int, error) {
	n, err := Wait(get())
	return n, n, err
}`, "(int, int, error)", "supports no result, (error), (T) or (T, error)"},
		{"a continue in a switch inside a loop that waits", `
//corofy:coroutine m
func f(get func() Future[int]) error {
	for i := 0; i < 3; i++ {
		switch i {
		case 1:
			continue
		}
		_, err := Wait(get())
		if err != nil {
			return err
		}
	}
	return nil
}`, "continue\n", "leaves a switch for a loop that waits"},
		{"a directive without a type name", `
//corofy:coroutine
func f(get func() Future[int]) error {
	_, err := Wait(get())
	return err
}`, "//corofy:coroutine\n", "needs the name of the type to generate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := generateSource(t, c.code)
			require.Error(t, err, "corofy must refuse this, not generate:\n%s", out)
			assert.Contains(t, err.Error(), "input.go:"+itoa(lineOf(t, c.code, c.at))+":", "the refusal must point at the construct's line")
			assert.Contains(t, err.Error(), c.reason)
			assert.NotContains(t, err.Error(), "\n", "a refusal is one line")
		})
	}
}

func TestRefusesPackageWithoutTheContract(t *testing.T) {
	fset := token.NewFileSet()
	src := []byte("package p\n\n//corofy:coroutine m\nfunc f() {}\n")
	file, err := parser.ParseFile(fset, "input.go", src, parser.ParseComments)
	require.NoError(t, err)
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
	pkg, err := (&types.Config{}).Check("p", fset, []*ast.File{file}, info)
	require.NoError(t, err)

	_, err = generate(fset, file, src, "input.go", pkg, info)

	require.Error(t, err)
	assert.Contains(t, err.Error(), "package p has no function Wait")
}

func TestRefusesFileWithoutMarkedFunction(t *testing.T) {
	_, err := generateSource(t, "\nfunc f() {}\n")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "input.go: no function is marked //corofy:coroutine")
}

func TestRunWithoutFileSaysHowToCallIt(t *testing.T) {
	err := run(nil, "")

	require.Error(t, err)
	assert.Contains(t, err.Error(), "usage: corofy FILE.go")
}

func TestOutputName(t *testing.T) {
	assert.Equal(t, "coroutine_corofied.go", outputName("coroutine_source.go"))
	assert.Equal(t, "main_corofied.go", outputName("main.go"))
}

func TestCheckCompilesCatchesGeneratedCodeThatDoesNotBuild(t *testing.T) {
	files, err := loadPackage("examples/loop_source.go")
	require.NoError(t, err)
	abs, err := filepath.Abs("examples/loop_source.go")
	require.NoError(t, err)
	broken := []byte("package examples\n\nfunc brokenByCorofy() int { return \"not an int\" }\n")

	err = checkCompiles(files[abs], "examples/broken_corofied.go", broken)

	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not compile, a bug in corofy; nothing was written")
	assert.Contains(t, err.Error(), "broken_corofied.go:3")
}
