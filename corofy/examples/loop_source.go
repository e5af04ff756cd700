package examples

import (
	"fmt"
	"io"
)

//go:generate go run ..

// loopSource waits inside a for loop, with a continue before the wait and
// a break after it: the loop's condition becomes a state the end of the
// body jumps back to, and i and total live across the wait.
//
//corofy:coroutine corofiedLoop
func loopSource(out io.Writer, get func(path string) Future[string], paths []string) (int, error) {
	total := 0
	for i := 0; i < len(paths); i++ {
		if paths[i] == "" {
			continue
		}
		body, err := Wait(get(paths[i]))
		if err != nil {
			return total, fmt.Errorf("request %d: %w", i, err)
		}
		if body == "stop" {
			break
		}
		total += len(body)
		fmt.Fprintln(out, i, body)
	}
	fmt.Fprintln(out, "total", total)
	return total, nil
}
