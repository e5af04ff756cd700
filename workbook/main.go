// Command workbook is the exercise runner of the asyncgo workbook, in the
// spirit of rustlings: it shows progress, checks the current exercise, gives
// hints, watches files, exports a student edition, grades and verifies.
//
//	go run ./workbook                 progress per stage (same as list)
//	go run ./workbook check [ID]      run an exercise's tests
//	go run ./workbook hint ID         the next hint
//	go run ./workbook watch [ID]      check again on every save; keys h n l r c q
//
// `go run ./workbook help` lists every command.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// usage is printed by `help`, -h and --help.
const usage = `workbook: the asyncgo exercise runner

usage: go run ./workbook [command] [arguments]

For learners:
  list [--json]              progress per stage (the default command)
  check [ID | stageN | all]  run the tests of an exercise (default: the first
                             one not done yet); --verbose prints their output
  hint ID [--all]            the next hint for an exercise (--all: every hint)
  watch [ID]                 check the current exercise whenever a .go file
                             changes (ID: start with that one; once it
                             passes, watch moves on to the first exercise
                             not done). Keys, each followed by Enter:
                             h hint, n next, l list, r reset, c check, q quit;
                             Ctrl-C stops too
  reset ID [--force]         put an exercise back to its hole, saving your
                             code in .workbook/saved/ first (--force: also in
                             the reference repository)
  solution ID                the reference body of an exercise that passes,
                             to compare with yours (if the teacher allowed it)
  carry                      copy each exercise's body from its home stage
                             into the later stages that repeat it (check,
                             watch and grade do this first)
  diff A B                   what changed between two stages, e.g. diff 1 2

For teachers and maintainers:
  export DIR [--solutions] [--only LIST] [--points LIST] [--grading]
                             write the student edition into the new folder DIR
                             (--solutions: include the reference bodies for
                             the solution command; --only stage3,s04-spawn:
                             only those are holes, the rest ship solved;
                             --points s03-parker=2,stage4=3: their points;
                             --grading: the grading edition, hidden tests in)
  grade [--format F] [--out FILE] [--submission DIR]
                             run every exercise and report points; F is text,
                             json, gradescope or junit. --submission: grade
                             the exercise bodies of the learner's folder DIR
                             against this edition's tests and manifest
                             (--hidden-visibility V: when Gradescope shows the
                             details of hidden tests)
  autograder FILE.zip [--only LIST] [--points LIST]
                             write Gradescope's autograder: setup.sh,
                             run_autograder and the grading edition
  classroom-result DIR       merge the grade --format json reports in DIR
                             (one per system; an exercise passes if it passes
                             on any) into the result GitHub Classroom's
                             reporter reads (the classroom workflow runs it)
  verify [--jobs N] [--keep] [--timeout D]
                             prove that every exercise fails in the student
                             edition and passes once restored (reference only)
  verify --wrong [--mutants N] [--only ID]
                             prove that the tests reject every wrong answer
                             of workbook/wrong, and report generated mutants
`

// app is one run of the runner. Commands write to its streams and find the
// workbook from its folder, so tests can run them in-process.
type app struct {
	stdout, stderr io.Writer
	// stdin carries watch's keys; nil means there are none to read.
	stdin io.Reader
	dir   string
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitError ends the run with a status after the command has already said
// everything worth saying (a failed check, a failed verify).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// errHelp asks for the usage text.
var errHelp = errors.New("help requested")

func main() {
	// Ctrl-C cancels the context: watch and long runs stop their go test
	// children and exit cleanly instead of leaving them behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(os.Stderr, "workbook: cannot tell the current folder: %v\n", err)
		os.Exit(1)
	}
	a := &app{stdout: os.Stdout, stderr: os.Stderr, stdin: os.Stdin, dir: wd}
	code := a.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status.
func (a *app) run(ctx context.Context, args []string) int {
	name := "list"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	commands := map[string]func(context.Context, []string) error{
		"list":             a.cmdList,
		"check":            a.cmdCheck,
		"hint":             a.cmdHint,
		"watch":            a.cmdWatch,
		"carry":            a.cmdCarry,
		"reset":            a.cmdReset,
		"solution":         a.cmdSolution,
		"diff":             a.cmdDiff,
		"export":           a.cmdExport,
		"grade":            a.cmdGrade,
		"autograder":       a.cmdAutograder,
		"classroom-result": a.cmdClassroomResult,
		"verify":           a.cmdVerify,
	}
	var err error
	switch name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(a.stdout, usage)
		return 0
	default:
		cmd, ok := commands[name]
		if !ok {
			known := sortedKeys(commands)
			err = &usageError{fmt.Sprintf("unknown command %q%s (go run ./workbook help lists them)", name, didYouMean(name, known))}
			break
		}
		err = cmd(ctx, args)
	}
	var ue *usageError
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		fmt.Fprint(a.stdout, usage)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(a.stderr, "workbook: %s\n", ue.msg)
		return 2
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(a.stderr, "workbook: interrupted")
		return 130
	default:
		fmt.Fprintf(a.stderr, "workbook: %v\n", err)
		return 1
	}
}

// project finds and loads the workbook the command runs in.
func (a *app) project() (*Project, error) {
	root, err := findRoot(a.dir)
	if err != nil {
		return nil, err
	}
	return loadProject(root)
}
