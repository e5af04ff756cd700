package examples

import (
	"errors"
	"fmt"
	"io"
)

//go:generate go run ..

// retrySource combines the shapes: an endless loop whose body waits, then
// waits again inside an if, and leaves by return, continue or break.
//
//corofy:coroutine corofiedRetry
func retrySource(out io.Writer, get func(path string) Future[string], attempts int) (string, error) {
	tries := 0
	for {
		tries++
		body, err := Wait(get(fmt.Sprintf("/try/%d", tries)))
		if err == nil {
			if body == "redirect" {
				target, err := Wait(get("/target"))
				if err != nil {
					return "", err
				}
				return target, nil
			}
			fmt.Fprintln(out, "not yet:", body)
			continue
		}
		fmt.Fprintln(out, "failed:", err)
		if tries >= attempts {
			break
		}
	}
	return "", errors.New("gave up")
}
