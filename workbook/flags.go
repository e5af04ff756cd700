// This file parses each command's flags the same way: flags may come before
// or after the arguments, and a mistake is one line and exit status 2.

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// newFlags makes a flag set for command name that reports nothing itself.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseArgs parses flags anywhere among args and returns the positional
// arguments. Go's flag package stops at the first argument; learners type
// `check s01-future --verbose` as often as `check --verbose s01-future`.
func parseArgs(fs *flag.FlagSet, args []string, minPos, maxPos int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, &usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			pos = append(pos, rest[1:]...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	switch {
	case len(pos) < minPos:
		return nil, &usageError{fmt.Sprintf("%s: missing argument (go run ./workbook help shows the usage)", fs.Name())}
	case len(pos) > maxPos:
		return nil, &usageError{fmt.Sprintf("%s: unexpected argument %q (go run ./workbook help shows the usage)", fs.Name(), pos[maxPos])}
	}
	return pos, nil
}
