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
	withSolutions := fs.Bool("solutions", false, "include the reference bodies, for `solution` to show after a pass")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
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
	dir := pos[0]
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(a.dir, dir)
	}
	if err := exportEdition(p, dir, *withSolutions); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Wrote the student edition to %s: %d exercises, every body replaced.\n", dir, len(p.Manifest.Exercises))
	if *withSolutions {
		fmt.Fprintf(a.stdout, "The reference bodies are in %s: `go run ./workbook solution ID` shows one after the learner's answer passes.\n", solutionsPath)
	}
	fmt.Fprintf(a.stdout, "To hand it out: cd %s && git init && git add -A && git commit -m 'Student edition', push it, and mark the repository as a template for GitHub Classroom.\n", dir)
	return nil
}

// exportStudentEdition writes the student edition of p into dir, which must
// not exist yet or be empty, and must lie outside the project, and then
// refuses the result if any reference body can be found in it. The edition
// is written into a temporary folder next to dir and renamed to dir only
// once it has passed, so a refused or half-written export leaves nothing
// behind that could be handed out by mistake.
func exportStudentEdition(p *Project, dir string) error {
	return exportEdition(p, dir, false)
}

// exportEdition is exportStudentEdition, with the reference bodies added
// in solutionsPath when withSolutions is true: the teacher's choice. They
// are added after the check for solutions, which holds for every other file.
func exportEdition(p *Project, dir string, withSolutions bool) error {
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
	if err := writeStudentEdition(p, tmp); err != nil {
		return err
	}
	leaks, err := findLeaks(tmp, p.Markers)
	if err != nil {
		return err
	}
	if len(leaks) > 0 {
		return fmt.Errorf("the export still contains solutions, so nothing was written to %s:\n%s", dir, strings.Join(leaks, "\n"))
	}
	if withSolutions {
		if err := writeSolutions(p, tmp); err != nil {
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

// writeStudentEdition writes the files of the student edition into dir.
func writeStudentEdition(p *Project, dir string) error {
	stubAll := func(string) bool { return true }
	if err := writeEdition(p, dir, stubAll); err != nil {
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
	generated := map[string]string{
		"README.md": studentReadme(p.Manifest, modPath, aboutFile),
		editionPath: "This is the student edition of the workbook, written by `go run ./workbook export`.\nThe exercise bodies are panics; `go run ./workbook verify` only works in the reference repository.\n",
	}
	for rel, content := range generated {
		if err := writeFile(filepath.Join(dir, filepath.FromSlash(rel)), []byte(content), 0o644); err != nil {
			return err
		}
	}
	// Last: the workflow holds the digest of every file written above.
	return writeClassroomWorkflow(p, dir)
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

// writeEdition copies the project's files into dir, rewriting the marked
// files so that exactly the exercises for which stub is true are panics.
// verify calls it with other stub sets to restore exercises one by one.
func writeEdition(p *Project, dir string, stub func(id string) bool) error {
	marked := map[string]bool{}
	for _, m := range p.Markers {
		marked[m.File] = true
	}
	for _, rel := range p.Files {
		if corofiedAnswer(rel, p.Markers) || wrongAnswerCatalogue(rel) {
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
		if err := writeStubbed(p, rel, dst, stub); err != nil {
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
		if err := writeStubbed(p, rel, filepath.Join(dir, filepath.FromSlash(rel)), stub); err != nil {
			return err
		}
	}
	return nil
}

// writeStubbed writes the stubbed version of the marked file rel, each
// copy's doc comment saying which file its body is carried from.
func writeStubbed(p *Project, rel, dst string, stub func(string) bool) error {
	src := filepath.Join(p.Root, filepath.FromSlash(rel))
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	out, _, err := stubSource(src, data, stub)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	out, err = addCarryNotes(src, out, p.copyHomes(rel))
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
