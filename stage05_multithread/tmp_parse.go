//go:build linux || darwin || freebsd

package main

import (
	"errors"
	"flag"
	"io"

	"github.com/asyncworkbook/asyncgo/internal/target"
)

// parseFlagSet is temporary until internal/target has its Parse.
func parseFlagSet(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fs.Usage()
		return err
	}
	if err != nil {
		return target.Usagef("%v (run with -h for the flags)", err)
	}
	if fs.NArg() > 0 {
		return target.Usagef("unexpected argument %q: this program takes only flags (run with -h for the flags)", fs.Arg(0))
	}
	return nil
}
