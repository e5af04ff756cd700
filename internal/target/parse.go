// This file parses a program's command line the way every program in the
// workbook does: a mistake is one line and exit status 2, -h prints the
// flags and exit status 0, and nothing else is ever printed by the parser.

package target

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// helpHint ends every message about a mistake the flag package found, so
// that the one line a learner reads says where the full list is.
const helpHint = "(run with -h for the flags)"

// Parse parses args with fs and checks that no argument is left over.
//
// The flag package on its own prints the whole usage after any mistake and
// then the error; here a mistake comes back as a UsageError of one line
// ("flag provided but not defined: -x (run with -h for the flags)") for the
// caller to print with Exit, and the usage goes to stderr only when the user
// asked for it with -h or -help. Then Parse returns flag.ErrHelp, for which
// ExitStatus is 0.
//
// fs must have been made with flag.ContinueOnError; its output is replaced.
func Parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fs.Usage()
		return err
	}
	if err != nil {
		return Usagef("%v %s", err, helpHint)
	}
	if fs.NArg() > 0 {
		return Usagef("unexpected argument %q: this program takes only flags %s", fs.Arg(0), helpHint)
	}
	return nil
}

// Run resolves the target (see Resolve), calls run with it, stops the
// embedded delay server if Resolve started one, and returns run's error
// with Explain's advice. It is the body of a stage's main between Parse
// and Exit.
func (f *Flags) Run(stderr io.Writer, run func(*Target) error) error {
	t, err := f.Resolve(stderr)
	if err != nil {
		return err
	}
	err = run(t)
	if closeErr := t.Close(); err == nil && closeErr != nil {
		err = fmt.Errorf("stop the embedded delay server: %w", closeErr)
	}
	return Explain(err, t)
}
