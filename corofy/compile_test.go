// The shapes here are combinations of the supported ones (loops in loops,
// waits in branches in loops, else-if chains, a shadowed variable). Each
// generated file must type-check together with its source: corofy either
// refuses or writes code that compiles.

package main

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGeneratedCodeCompilesWithItsSource(t *testing.T) {
	cases := map[string]string{
		"a loop in a loop": `
//corofy:coroutine m
func f(get func(int) Future[int], n int) (int, error) {
	sum := 0
	for i := 0; i < n; i++ {
		for j := 0; j < i; j++ {
			v, err := Wait(get(i * j))
			if err != nil {
				return 0, err
			}
			sum += v
		}
	}
	return sum, nil
}`,
		"an endless loop with waits in branches": `
//corofy:coroutine m
func f(get func(int) Future[int]) (int, error) {
	tries := 0
	for {
		tries++
		v, err := Wait(get(tries))
		if err == nil {
			if v > 10 {
				w, err := Wait(get(v))
				if err != nil {
					return 0, err
				}
				return w, nil
			}
			continue
		}
		if tries > 3 {
			break
		}
	}
	return -1, errors.New("gave up")
}`,
		"an else-if chain and a shadowed variable": `
//corofy:coroutine m
func f(get func(int) Future[string], k int) (string, error) {
	x := "outer"
	if k == 0 {
		x, err := Wait(get(0))
		if err != nil {
			return "", err
		}
		fmt.Println(x)
	} else if k == 1 {
		y, err := Wait(get(1))
		if err != nil {
			return "", err
		}
		x = y
	} else {
		x = "none"
	}
	return x, nil
}`,
		"a branch that waits and ends in a switch that returns": `
//corofy:coroutine m
func f(get func(int) Future[int]) (int, error) {
	for i := 0; i < 3; i++ {
		v, err := Wait(get(i))
		if err != nil {
			return 0, err
		}
		if v > 0 {
			w, _ := Wait(get(v))
			switch w {
			case 1:
				return 1, nil
			default:
				return 2, nil
			}
		}
	}
	return 0, nil
}`,
		"a value only, no error": `
//corofy:coroutine m
func f(get func() Future[int]) int {
	var n int
	v, _ := Wait(get())
	n += v
	return n
}`,
	}
	for name, code := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := generateSource(t, code)
			require.NoError(t, err)
			fset := token.NewFileSet()
			src, err := parser.ParseFile(fset, "input.go", prelude+code, 0)
			require.NoError(t, err)
			gen, err := parser.ParseFile(fset, "input_corofied.go", out, 0)
			require.NoError(t, err, "%s", out)
			conf := types.Config{Importer: importer.Default()}
			_, err = conf.Check("p", fset, []*ast.File{src, gen}, nil)
			assert.NoError(t, err, "the generated code must compile:\n%s", out)
		})
	}
}
