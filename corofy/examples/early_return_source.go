package examples

import (
	"fmt"
	"io"
)

//go:generate go run ..

// earlyReturnSource may return between its two waits: the return ends the
// state machine in the state it happens in, and the second request is never
// made.
//
//corofy:coroutine corofiedEarlyReturn
func earlyReturnSource(out io.Writer, get func(path string) Future[string]) error {
	fmt.Fprintln(out, "Program starting")
	first, err := Wait(get("/first"))
	if err != nil {
		return err
	}
	if first == "enough" {
		fmt.Fprintln(out, "stopping early")
		return nil
	}
	second, err := Wait(get("/second"))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, first, second)
	return nil
}
