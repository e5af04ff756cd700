package examples

import (
	"fmt"
	"io"
)

//go:generate go run ..

// sequenceSource waits twice in a row, on futures of two types; prefix
// and page are needed after a wait, so the state machine keeps them.
//
//corofy:coroutine corofiedSequence
func sequenceSource(out io.Writer, fetch func(path string) Future[string], count func(page string) Future[int]) (int, error) {
	prefix := "counted"
	page, err := Wait(fetch("/page"))
	if err != nil {
		return 0, err
	}
	n, err := Wait(count(page))
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", page, err)
	}
	fmt.Fprintln(out, prefix, page, n)
	return n, nil
}
