package examples

import (
	"fmt"
	"io"
)

//go:generate go run ..

// branchSource waits in one branch of an if only: the code after the if is
// reached from the start (the other branch) and from the wait, so it
// becomes a state of its own.
//
//corofy:coroutine corofiedBranch
func branchSource(out io.Writer, get func(path string) Future[string], cached string) (string, error) {
	var body string
	if cached != "" {
		body = cached
		fmt.Fprintln(out, "from the cache")
	} else {
		fresh, err := Wait(get("/fresh"))
		if err != nil {
			return "", err
		}
		body = fresh
		fmt.Fprintln(out, "fetched")
	}
	fmt.Fprintln(out, "body:", body)
	return body, nil
}
