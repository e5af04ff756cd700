package examples

import (
	"fmt"
	"io"
)

//go:generate go run ..

// typesSource keeps variables of several types across a wait in a loop: a
// map, an anonymous struct declared without a value, and a pointer to a
// variable of one iteration. go/types gives each field its type.
//
//corofy:coroutine corofiedTypes
func typesSource(out io.Writer, get func(path string) Future[string], paths []string) (map[string]int, error) {
	sizes := map[string]int{}
	var last struct {
		path string
		size int
	}
	var longest *string
	for i := 0; i < len(paths); i++ {
		body, err := Wait(get(paths[i]))
		if err != nil {
			return sizes, err
		}
		sizes[paths[i]] += len(body)
		last.path, last.size = paths[i], len(body)
		if longest == nil || len(body) > len(*longest) {
			longest = &body
		}
	}
	fmt.Fprintln(out, "last", last.path, last.size)
	if longest != nil {
		fmt.Fprintln(out, "longest", *longest)
	}
	return sizes, nil
}
