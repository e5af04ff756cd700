// This file turns errors into the one line a learner reads before a program
// exits: what went wrong, where, and what to do about it.

package target

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// Explain adds what to do to errors a learner can fix: a refused connection
// means no delay server listens there, a reset or timeout usually means the
// server is overloaded or is not a delay server. Other errors come back as
// they are. t may be nil when the failure happened before a target existed.
func Explain(err error, t *Target) error {
	if err == nil || t == nil {
		return err
	}
	addr := t.AddrPort.String()
	switch {
	case isRefused(err):
		return fmt.Errorf("%w; nothing accepts connections on %s: start the delay server with `go run ./delayserver -addr %s`, or leave out -addr to use an embedded one", err, addr, addr)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ETIMEDOUT):
		return fmt.Errorf("%w; is %s a delay server, and is it overloaded? try fewer requests", err, addr)
	}
	return err
}

// UsageError marks a mistake on the command line. A program exits with
// status 2 for it, as the flag package does, and with 1 for any other
// failure, so a script can tell "you called it wrong" from "it went wrong".
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usagef makes a UsageError from a format, like fmt.Errorf.
func Usagef(format string, args ...any) error {
	return UsageError{Err: fmt.Errorf(format, args...)}
}

// ExitStatus is the exit status a program ends with after err: 0 for nil
// and for -h (flag.ErrHelp), 2 for a UsageError, 1 for anything else.
func ExitStatus(err error) int {
	var usage UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		return 2
	}
	return 1
}

// Exit ends a program that failed with err: one line "program: err" on
// stderr and ExitStatus(err). For nil or -h it returns and prints nothing.
func Exit(program string, err error) {
	status := ExitStatus(err)
	if status == 0 {
		return
	}
	fmt.Fprintf(os.Stderr, "%s: %s\n", program, OneLine(err))
	os.Exit(status)
}

// OneLine renders err on a single line.
func OneLine(err error) string {
	if err == nil {
		return "<nil>"
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
}
