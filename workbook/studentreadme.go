// This file writes the student edition's README.md: what the learner does,
// with which commands, which exercises there are and how they are graded.
//
// The export replaces README.md rather than adding a STUDENT.md beside it:
// README.md is what GitHub shows on the repository's page, and a learner who
// opens their assignment should first read how to work in it. The project's
// own README is kept, unchanged, as ABOUT.md and linked from the top.

package main

import (
	"fmt"
	"path"
	"strings"
)

// studentReadme renders README.md for the student edition. aboutFile is the
// name under which the original README was kept ("" if there was none);
// hidden says whether the teacher keeps further tests for grading.
func studentReadme(m *Manifest, modPath, aboutFile string, hidden bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s workbook: student edition\n\n", path.Base(modPath))
	b.WriteString("This copy of the workbook has its exercises taken out. The body of every\n")
	b.WriteString("exercise function is now a panic that names the exercise; your job is to\n")
	b.WriteString("write each body again until its tests pass. The tests are all here, unchanged.\n")
	if aboutFile != "" {
		fmt.Fprintf(&b, "What the workbook teaches, and how its stages fit together, is in [%s](%s).\n", aboutFile, aboutFile)
	}
	b.WriteString(`
## How to work

Read a stage's README.md, then its code from top to bottom. An exercise is a
function whose doc comment carries ` + "`//workbook:exercise <id>`" + `. Then:

` + "```" + `
go run ./workbook            # your progress, and the next exercise
go run ./workbook check      # run the next exercise's tests
go run ./workbook check ID   # run one exercise's tests (or stageN, or all)
go run ./workbook hint ID    # a hint; ask again for the next one
go run ./workbook watch      # check again every time you save a .go file;
                             # keys + Enter: h hint, n next, l list, r reset,
                             # c check, q quit
go run ./workbook reset ID   # start an exercise again (your code is saved
                             # in .workbook/saved/ first)
go run ./workbook solution ID  # the reference, once your answer passes, if
                               # your teacher included it
go run ./workbook diff 1 2   # what changed between two stages
` + "```" + `

A check that fails shows the first failing assertion and a hint. Your
progress is remembered in .workbook/state.json, which git ignores.

You write each exercise once, in the stage that introduces it. A later stage
that repeats the function holds a copy, whose doc comment names the file to
write it in; ` + "`go run ./workbook carry`" + ` fills every copy with your body, and
check, watch and grade do that first, so later stages run on your own code.
Edit the first one, never a copy: the next carry overwrites copies.

## Exercises

`)
	if len(m.Exercises) == 0 {
		b.WriteString("There are no exercises yet.\n")
	} else {
		b.WriteString("| # | stage | id | what you build | points | needs |\n")
		b.WriteString("| ---: | ---: | --- | --- | ---: | --- |\n")
		total := 0
		for i, e := range m.Exercises {
			total += e.Points
			needs := strings.Join(e.Requires, ", ")
			fmt.Fprintf(&b, "| %d | %d | `%s` | %s | %d | %s |\n", i+1, e.Stage, e.ID, markdownCell(e.Title), e.Points, needs)
		}
		fmt.Fprintf(&b, "\nTotal: %d points.\n", total)
	}
	b.WriteString(`
## Grading

Every push runs .github/workflows/classroom.yml. It has one step per exercise:
the step runs ` + "`go run ./workbook check <id>`" + ` and earns the exercise's points
when that command succeeds. ` + "`go run ./workbook grade`" + ` shows the same score on
your machine before you push.
`)
	if hidden {
		b.WriteString(`
Your teacher may grade with more tests than this copy holds, so make each
exercise do what its doc comment says, not only what its tests check.
`)
	}
	return b.String()
}

// markdownCell keeps a title from breaking the table.
func markdownCell(s string) string {
	return strings.ReplaceAll(s, "|", "\\|")
}
