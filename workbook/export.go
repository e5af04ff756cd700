// This file is `export`: it writes the student edition, a copy of the
// project in which every exercise body is a panic, with a learner's README,
// a GitHub Classroom workflow, and no trace of the solutions (no git
// history, no reference bodies anywhere).

package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

func (a *app) cmdExport(ctx context.Context, args []string) error {
	fs := newFlags("export")
	withSolutions := fs.Bool("solutions", false, "include the selected exercises' reference bodies, for `solution` to show after a pass")
	selection := addSelectionFlags(fs,
		"the exercises that are the assignment, comma separated ids and stages (stage3); the others ship solved",
		"ID=N or stageN=N, comma separated: the points of selected exercises in the exported manifest")
	grading := fs.Bool("grading", false, "write the grading edition: the same holes plus the hidden tests, for graders")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	opts, err := selection.options(fs, "export")
	if err != nil {
		return err
	}
	opts.Solutions, opts.Grading = *withSolutions, *grading
	p, err := a.project()
	if err != nil {
		return err
	}
	if err := p.requireParsed(); err != nil {
		return err
	}
	if p.Student {
		return &usageError{"this is already a student edition: export from the reference repository"}
	}
	pl, err := planEdition(p.Manifest, opts)
	if err != nil {
		return err
	}
	dir := pos[0]
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(a.dir, dir)
	}
	if err := exportEdition(p, dir, opts); err != nil {
		return err
	}
	edition := "student edition"
	if pl.Grading {
		edition = "grading edition"
	}
	if pl.Partial {
		holes := fmt.Sprintf("%d exercises are holes", len(pl.Manifest.Exercises))
		if len(pl.Manifest.Exercises) == 1 {
			holes = "1 exercise is a hole"
		}
		solved := fmt.Sprintf("%d ship solved", len(pl.Solved))
		if len(pl.Solved) == 1 {
			solved = "1 ships solved"
		}
		fmt.Fprintf(a.stdout, "Wrote the %s to %s: %s; %s (%s).\n", edition, dir, holes, solved, pl.solvedSummary(p.Manifest))
		if repeats := pl.solvedRepeats(p.Markers); len(repeats) > 0 {
			fmt.Fprintf(a.stdout, "Stages copy code forward, so bodies that ship solved repeat, whole or nearly, the answers of %s; add those exercises to --only to make them holes too.\n", strings.Join(repeats, "; "))
		}
	} else {
		fmt.Fprintf(a.stdout, "Wrote the %s to %s: %d exercises, every body replaced.\n", edition, dir, len(pl.Manifest.Exercises))
	}
	if *withSolutions {
		fmt.Fprintf(a.stdout, "The reference bodies are in %s: `go run ./workbook solution ID` shows one after the learner's answer passes.\n", solutionsPath)
	}
	if pl.Grading {
		fmt.Fprintf(a.stdout, "It holds the hidden tests: keep it for grading, and export again without --grading for the learners.\n")
		return nil
	}
	fmt.Fprintf(a.stdout, "To hand it out: cd %s && git init && git add -A && git commit -m 'Student edition', push it, and mark the repository as a template for GitHub Classroom.\n", dir)
	return nil
}

// exportStudentEdition writes the student edition of p, every exercise a
// hole, into dir; see exportEdition.
func exportStudentEdition(p *Project, dir string) error {
	return exportEdition(p, dir, exportOptions{})
}

// exportEdition writes the edition opts describe into dir, which must not
// exist yet or be empty, and must lie outside the project, and then refuses
// the result if the answer of any selected exercise can be found in it,
// whole or nearly (the exercises that ship solved are meant to be there).
// The edition is written into a temporary folder next to dir and renamed
// to dir only once it has passed, so a refused or half-written export
// leaves nothing behind that could be handed out by mistake. A mistake in
// opts is a usageError. The reference bodies, with opts.Solutions, are
// added after the check, which holds for every other file.
func exportEdition(p *Project, dir string, opts exportOptions) error {
	pl, err := planEdition(p.Manifest, opts)
	if err != nil {
		return err
	}
	if err := checkExportDir(p.Root, dir); err != nil {
		return err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	parent := filepath.Dir(absDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(absDir)+".partial-")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := writeExportEdition(p, tmp, pl); err != nil {
		return err
	}
	answers, shipped := pl.answers(p.Markers), pl.shipped(p.Markers)
	leaks, err := findLeaksExcept(tmp, answers, shipped)
	if err != nil {
		return err
	}
	if pl.Partial {
		// With exercises shipped solved, code written around them (a test
		// helper, say) may repeat a selected answer with a change: scan
		// for near copies too, as verify does for the whole edition.
		near, err := findNearCopiesExcept(tmp, answers, shipped)
		if err != nil {
			return err
		}
		leaks = append(leaks, near...)
	}
	if len(leaks) > 0 {
		return fmt.Errorf("the export still contains solutions, so nothing was written to %s:\n%s", dir, strings.Join(leaks, "\n"))
	}
	if opts.Solutions {
		if err := writeSolutions(p, tmp, pl.Manifest.Exercises); err != nil {
			return err
		}
	}
	// MkdirTemp made the folder private to its owner; the export is an
	// ordinary folder.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	// checkExportDir allowed an existing empty folder; rename replaces
	// only a missing one everywhere, so remove it first (Remove refuses a
	// folder that is not empty, should someone have written into it since).
	if err := os.Remove(absDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, absDir); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	done = true
	return nil
}

// writeStudentEdition writes the files of the student edition, every
// exercise a hole, into dir.
func writeStudentEdition(p *Project, dir string) error {
	pl, err := planEdition(p.Manifest, exportOptions{})
	if err != nil {
		return err
	}
	return writeExportEdition(p, dir, pl)
}

// Edition files: the first line says which edition it is.
const (
	studentEditionNote = "This is the student edition of the workbook, written by `go run ./workbook export`.\nThe exercise bodies are panics; `go run ./workbook verify` only works in the reference repository.\n"
	gradingEditionNote = "This is the grading edition of the workbook, written by `go run ./workbook export --grading`.\nIt is the student edition plus the hidden tests (files named *_hidden_test.go), which check and grade run; keep it away from learners.\n"
)

// writeExportEdition writes the files of the edition pl describes into dir.
func writeExportEdition(p *Project, dir string, pl *editionPlan) error {
	rw := editionRewrite{stub: pl.stub, solved: pl.solved, hiddenTests: pl.Grading}
	if err := writeEditionFiles(p, dir, rw); err != nil {
		return err
	}
	aboutFile := ""
	if fileExists(filepath.Join(p.Root, "README.md")) {
		aboutFile = "ABOUT.md"
		if fileExists(filepath.Join(p.Root, aboutFile)) {
			aboutFile = "README.reference.md"
		}
		if err := copyFile(filepath.Join(p.Root, "README.md"), filepath.Join(dir, aboutFile)); err != nil {
			return err
		}
	}
	modPath, err := readModulePath(p.Root)
	if err != nil {
		return err
	}
	manifestText, err := os.ReadFile(filepath.Join(p.Root, filepath.FromSlash(manifestPath)))
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	manifest, err := editManifest(manifestText, p.Manifest, pl.Manifest)
	if err != nil {
		return err
	}
	note := studentEditionNote
	if pl.Grading {
		note = gradingEditionNote
	}
	generated := map[string]string{
		manifestPath: string(manifest),
		"README.md":  studentReadme(pl.Manifest, modPath, aboutFile, pl.hasHidden(p.Manifest)),
		editionPath:  note,
	}
	for rel, content := range generated {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(rel)), []byte(content), 0o644); err != nil {
			return err
		}
	}
	// Last: the workflow holds the digest of every file written above.
	return writeClassroomWorkflow(p, pl.Manifest, dir)
}

// checkExportDir refuses a target that would mix the export with other
// files or with the project itself.
func checkExportDir(root, dir string) error {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(absRoot, absDir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return &usageError{fmt.Sprintf("export: %s is inside the repository; choose a folder outside it, e.g. ../asyncgo-student", dir)}
	}
	entries, err := os.ReadDir(absDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("export: %w", err)
	case len(entries) > 0:
		return &usageError{fmt.Sprintf("export: %s is not empty; choose a new folder", dir)}
	}
	return nil
}

// editionRewrite says how an edition's files differ from the reference.
type editionRewrite struct {
	// stub reports the exercises whose bodies become holes.
	stub func(id string) bool
	// solved reports the exercises whose markers go; nil for none.
	solved func(id string) bool
	// hiddenTests keeps the files named *_hidden_test.go.
	hiddenTests bool
}

// writeEdition copies the project's files into dir, rewriting the marked
// files so that exactly the exercises for which stub is true are panics,
// hidden tests included. verify calls it with other stub sets to restore
// exercises one by one.
func writeEdition(p *Project, dir string, stub func(id string) bool) error {
	return writeEditionFiles(p, dir, editionRewrite{stub: stub, hiddenTests: true})
}

// writeEditionFiles copies the project's files into dir as rw says.
func writeEditionFiles(p *Project, dir string, rw editionRewrite) error {
	marked := map[string]bool{}
	for _, m := range p.Markers {
		marked[m.File] = true
	}
	for _, rel := range p.Files {
		if corofiedAnswer(rel, p.Markers) || wrongAnswerCatalogue(rel) {
			continue
		}
		if !rw.hiddenTests && strings.HasSuffix(rel, hiddenTestSuffix) {
			continue
		}
		src := filepath.Join(p.Root, filepath.FromSlash(rel))
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if !marked[rel] {
			if err := copyFile(src, dst); err != nil {
				return err
			}
			continue
		}
		if err := writeStubbed(p, rel, dst, rw); err != nil {
			return err
		}
	}
	return nil
}

// wrongAnswerCatalogue reports whether rel is in the catalogue of wrong
// answers (workbook/wrong): each entry quotes the lines of the answer it
// breaks, so it stays with the teacher. verify --wrong, its only reader,
// runs in the reference repository.
func wrongAnswerCatalogue(rel string) bool {
	return strings.HasPrefix(rel, wrongDir+"/")
}

// corofiedAnswer reports whether rel is a state machine corofy generated
// (or its test) in a folder that holds exercises: it would hand out the
// answer the student writes by hand, so the edition leaves it out. The
// straight-line source it came from stays; go generate rebuilds the file.
func corofiedAnswer(rel string, markers []*Marker) bool {
	if !strings.HasSuffix(rel, "_corofied.go") && !strings.HasSuffix(rel, "_corofied_test.go") {
		return false
	}
	for _, m := range markers {
		if path.Dir(m.File) == path.Dir(rel) {
			return true
		}
	}
	return false
}

// markedFiles lists the files that carry at least one marker.
func (p *Project) markedFiles() []string {
	set := map[string]bool{}
	for _, m := range p.Markers {
		set[m.File] = true
	}
	return sortedKeys(set)
}

// writeMarkedFiles rewrites only the marked files of an edition already
// written into dir, for another stub set. verify switches variants this way:
// the other files keep their content and so their build cache entries.
func writeMarkedFiles(p *Project, dir string, stub func(string) bool) error {
	for _, rel := range p.markedFiles() {
		if err := writeStubbed(p, rel, filepath.Join(dir, filepath.FromSlash(rel)), editionRewrite{stub: stub}); err != nil {
			return err
		}
	}
	return nil
}

// writeStubbed writes the marked file rel as rw says: the bodies of
// rw.stub's exercises are holes, rw.solved's lose their markers, and the
// doc comment of each copy left marked says which file its body is carried
// from.
func writeStubbed(p *Project, rel, dst string, rw editionRewrite) error {
	src := filepath.Join(p.Root, filepath.FromSlash(rel))
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	out, _, err := stubSource(src, data, rw.stub)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	marked := func(string) bool { return true }
	if rw.solved != nil {
		if out, err = unmarkSource(src, out, rw.solved); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		marked = func(id string) bool { return !rw.solved(id) }
	}
	out, err = addCarryNotes(src, out, p.copyHomes(rel, marked))
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return writeFile(dst, out, 0o644)
}

// copyFile copies one file, keeping its permission bits (scripts stay
// executable).
func copyFile(src, dst string) error {
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return writeFile(dst, data, info.Mode().Perm())
}

// writeFile writes data, creating parent folders.
func writeFile(path string, data []byte, perm fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// copyHiddenTests adds the hidden test files to an edition written without
// them in dir.
func copyHiddenTests(p *Project, dir string) error {
	for _, rel := range p.Files {
		if strings.HasSuffix(rel, hiddenTestSuffix) {
			if err := copyFile(filepath.Join(p.Root, filepath.FromSlash(rel)), filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
				return err
			}
		}
	}
	return nil
}
