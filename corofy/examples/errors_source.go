package examples

import (
	"fmt"
	"io"
)

//go:generate go run ..

// errorsSource handles an awaited error instead of returning it: a failed
// first request is reported and retried on a backup path, which waits
// inside the if that checks the error.
//
//corofy:coroutine corofiedErrors
func errorsSource(out io.Writer, get func(path string) Future[string]) (string, error) {
	body, err := Wait(get("/primary"))
	if err != nil {
		fmt.Fprintln(out, "primary failed:", err)
		body, err = Wait(get("/backup"))
		if err != nil {
			return "", fmt.Errorf("backup failed too: %w", err)
		}
	}
	_, err = Wait(get("/ack"))
	return body, err
}
