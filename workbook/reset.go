// This file is `reset`: it puts an exercise back to the hole the student
// edition starts from, so a learner who has lost their way can begin again.
// Their code is never thrown away: it is saved first, in .workbook/saved/
// (git ignores .workbook/), and reset says where.

package main

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// savedDir holds the bodies reset has replaced, one file per reset.
const savedDir = ".workbook/saved"

func (a *app) cmdReset(ctx context.Context, args []string) error {
	fs := newFlags("reset")
	force := fs.Bool("force", false, "reset even in the reference repository, replacing the solution")
	pos, err := parseArgs(fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, err := a.project()
	if err != nil {
		return err
	}
	e, err := lookupExercise(p.Manifest, pos[0])
	if err != nil {
		return &usageError{err.Error()}
	}
	if !p.Student && !*force {
		return &usageError{fmt.Sprintf("reset: this is the reference repository, where %s's body is the solution; reset it only in a student edition, or add --force to replace it with the hole anyway", e.ID)}
	}
	markers := homeStageMarkers(p, e)
	if allPanicking(markers) {
		fmt.Fprintf(a.stdout, "%s is not started: every body is still the hole, so there is nothing to reset.\n", e.ID)
		return nil
	}
	saved, err := saveBodies(p, e, markers, time.Now())
	if err != nil {
		return err
	}
	files := markerFiles(markers)
	for _, rel := range files {
		if err := resetFile(filepath.Join(p.Root, filepath.FromSlash(rel)), e.ID); err != nil {
			return err
		}
	}
	st, err := loadState(p.statePath())
	if err != nil {
		return err
	}
	st.Of(e.ID).Status = StatusNotDone
	if err := st.save(p.statePath()); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Reset %s: %s back to the hole in %s.\n", e.ID, joinAnd(markerFuncs(markers)), joinAnd(files))
	fmt.Fprintf(a.stdout, "Your code is saved in %s.\n", saved)
	return nil
}

// homeStageMarkers lists the marked functions of e that the learner writes:
// those in e's own stage folder. Copies carried into later stages are left
// alone. A file outside any stageNN_ folder belongs to every stage.
func homeStageMarkers(p *Project, e *Exercise) []*Marker {
	var out []*Marker
	for _, mk := range p.MarkersOf(e.ID) {
		if stage, ok := fileStage(mk.File); !ok || stage == e.Stage {
			out = append(out, mk)
		}
	}
	return out
}

// fileStage is the stage number of the stageNN_ folder a slash path starts
// with; ok is false for a file outside the stage folders.
func fileStage(rel string) (stage int, ok bool) {
	top, _, _ := strings.Cut(rel, "/")
	m := stageFolder.FindStringSubmatch(top)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// allPanicking reports whether every marker's body is still the hole.
func allPanicking(markers []*Marker) bool {
	for _, mk := range markers {
		if len(notDoneIDs([]string{mk.Body})) == 0 {
			return false
		}
	}
	return true
}

// markerFiles lists the files of markers, each once, in order.
func markerFiles(markers []*Marker) []string {
	var files []string
	seen := map[string]bool{}
	for _, mk := range markers {
		if !seen[mk.File] {
			seen[mk.File] = true
			files = append(files, mk.File)
		}
	}
	return files
}

// markerFuncs names the functions of markers.
func markerFuncs(markers []*Marker) []string {
	names := make([]string, len(markers))
	for i, mk := range markers {
		names[i] = mk.Func
	}
	return names
}

// resetFile replaces the bodies marked id in one file with the exercise's
// hole, exactly as export writes it.
func resetFile(path, id string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	out, _, err := stubSource(path, src, func(got string) bool { return got == id })
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	if err := os.WriteFile(path, out, info.Mode().Perm()); err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	return nil
}

// saveBodies writes the learner's current functions of exercise e into a
// new file under savedDir and returns its slash path relative to the root.
// The file is Go (package saved) so that an editor shows it as code; Go's
// tools skip folders whose names start with a dot, so it is never built.
func saveBodies(p *Project, e *Exercise, markers []*Marker, now time.Time) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "// Your code for exercise %s (%s), saved by `go run ./workbook reset %s` at %s.\n",
		e.ID, e.Title, e.ID, now.Format("2006-01-02 15:04:05"))
	b.WriteString("// Copy back what you want to keep.\n\npackage saved\n")
	for _, rel := range markerFiles(markers) {
		funcs, err := markedFuncSources(filepath.Join(p.Root, filepath.FromSlash(rel)), e.ID)
		if err != nil {
			return "", err
		}
		for _, fn := range funcs {
			fmt.Fprintf(&b, "\n// From %s:\n%s\n", rel, fn)
		}
	}
	data := []byte(b.String())
	if formatted, err := format.Source(data); err == nil {
		data = formatted
	}
	dir := filepath.Join(p.Root, filepath.FromSlash(savedDir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("reset: save your code: %w", err)
	}
	stamp := now.Format("20060102-150405")
	for n := 1; ; n++ {
		name := fmt.Sprintf("%s-%s.go", e.ID, stamp)
		if n > 1 {
			name = fmt.Sprintf("%s-%s-%d.go", e.ID, stamp, n)
		}
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue // two resets within a second
		}
		if err != nil {
			return "", fmt.Errorf("reset: save your code: %w", err)
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return "", fmt.Errorf("reset: save your code: %w", werr)
		}
		return path.Join(savedDir, name), nil
	}
}

// markedFuncSources returns the source of each function in a file whose
// doc comment marks it with id, from func to the closing brace.
func markedFuncSources(path, id string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reset: %w", err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("reset: %w", err)
	}
	var out []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil || fn.Doc == nil || markerID(fn.Doc) != id {
			continue
		}
		out = append(out, string(src[fset.Position(fn.Pos()).Offset:fset.Position(fn.End()).Offset]))
	}
	return out, nil
}
