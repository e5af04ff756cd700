// Command corofy rewrites a straight-line Go function that waits on futures
// into the state machine a learner would otherwise write by hand: one state
// per wait, fields for exactly the variables that must survive a return
// from Poll, and a Poll method that resumes where the last one stopped.
//
// Mark the function and run corofy from a go:generate line beside it:
//
//	//go:generate go run ../corofy
//
//	//corofy:coroutine corofiedMain
//	func mainSource(get func(string) Future[string]) error {
//		body, err := Wait(get("/600/hello"))
//		...
//	}
//
// corofy reads the file named by $GOFILE (or its argument) and writes
// NAME_corofied.go next to it (NAME_source.go gives NAME_corofied.go). What
// it cannot rewrite it refuses with file:line and the reason. The README
// in this folder explains what a state machine has to remember, and what
// Go does instead.
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if err := run(os.Args[1:], os.Getenv("GOFILE")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run generates the state machines of one file. input is the file named on
// the command line, else the one go generate names in $GOFILE.
func run(args []string, gofile string) error {
	var input string
	switch {
	case len(args) == 1:
		input = args[0]
	case len(args) == 0 && gofile != "":
		input = gofile
	default:
		return errors.New("usage: corofy FILE.go (or run it from a //go:generate line, which names the file in $GOFILE)")
	}
	l, err := load(input)
	if err != nil {
		return fmt.Errorf("corofy: %w", err)
	}
	out, err := generate(l.fset, l.file, l.src, filepath.Base(input), l.pkg, l.info)
	if err != nil {
		return err
	}
	output := filepath.Join(filepath.Dir(input), outputName(filepath.Base(input)))
	if err := checkCompiles(l, output, out); err != nil {
		return err
	}
	if err := os.WriteFile(output, out, 0o644); err != nil {
		return fmt.Errorf("corofy: %w", err)
	}
	return nil
}
