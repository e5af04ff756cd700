// This file is `diff A B`: a unified diff of two stage folders, so a learner
// sees exactly what one step adds to the previous one. Tests are left out;
// code and README are what the stages teach with. So are corofy's side
// files (a straight-line *_source.go and the *_corofied.go made from it):
// they show a tool beside the lesson, not a step of it.

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

func (a *app) cmdDiff(ctx context.Context, args []string) error {
	fs := newFlags("diff")
	pos, err := parseArgs(fs, args, 2, 2)
	if err != nil {
		return err
	}
	root, err := findRoot(a.dir)
	if err != nil {
		return err
	}
	folders := stageFolders(root)
	from, err := resolveStage(folders, pos[0])
	if err != nil {
		return err
	}
	to, err := resolveStage(folders, pos[1])
	if err != nil {
		return err
	}
	changed, err := diffStages(a.stdout, root, from, to)
	if err != nil {
		return err
	}
	if !changed {
		fmt.Fprintf(a.stdout, "No differences between %s and %s (tests left out).\n", from, to)
	}
	return nil
}

// stageNumber accepts "3", "03", "stage3" and "stage03".
var stageNumber = regexp.MustCompile(`^(?:stage)?0*([1-9][0-9]*)$`)

// resolveStage turns a user's stage argument into a stage folder name.
func resolveStage(folders map[int]string, arg string) (string, error) {
	if m := stageNumber.FindStringSubmatch(arg); m != nil {
		n, _ := strconv.Atoi(m[1])
		if f, ok := folders[n]; ok {
			return f, nil
		}
	}
	names := make([]string, 0, len(folders))
	for _, f := range folders {
		if f == strings.TrimSuffix(arg, "/") {
			return f, nil
		}
		names = append(names, f)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "", &usageError{"diff: this repository has no stage folders (stageNN_name)"}
	}
	return "", &usageError{fmt.Sprintf("diff: unknown stage %q%s (stages: %s)", arg, didYouMean(arg, names), strings.Join(names, ", "))}
}

// diffStages writes the unified diff of two stage folders' non-test Go files
// and README.md, file by file in name order. It reports whether anything
// differed.
func diffStages(w io.Writer, root, from, to string) (bool, error) {
	fromFiles, err := stageFiles(filepath.Join(root, from))
	if err != nil {
		return false, err
	}
	toFiles, err := stageFiles(filepath.Join(root, to))
	if err != nil {
		return false, err
	}
	names := map[string]bool{}
	for n := range fromFiles {
		names[n] = true
	}
	for n := range toFiles {
		names[n] = true
	}
	changed := false
	for _, name := range sortedKeys(names) {
		a, inFrom := fromFiles[name]
		b, inTo := toFiles[name]
		if a == b && inFrom == inTo {
			continue
		}
		fromName, toName := from+"/"+name, to+"/"+name
		if !inFrom {
			fromName = "/dev/null"
		}
		if !inTo {
			toName = "/dev/null"
		}
		d := difflib.UnifiedDiff{
			A:        splitLines(a),
			B:        splitLines(b),
			FromFile: fromName,
			ToFile:   toName,
			Context:  3,
		}
		if err := difflib.WriteUnifiedDiff(w, d); err != nil {
			return changed, fmt.Errorf("diff %s: %w", name, err)
		}
		changed = true
	}
	return changed, nil
}

// splitLines splits text into lines that keep their newline; empty text is
// no lines at all (a file that does not exist on one side).
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return difflib.SplitLines(strings.TrimSuffix(s, "\n"))
}

// diffable reports whether a stage's file belongs in a diff: README.md and
// the code that is the lesson.
func diffable(name string) bool {
	if name == "README.md" {
		return true
	}
	if !strings.HasSuffix(name, ".go") {
		return false
	}
	for _, aside := range []string{"_test.go", "_corofied.go", "_source.go"} {
		if strings.HasSuffix(name, aside) {
			return false
		}
	}
	return true
}

// stageFiles reads a stage folder's README.md and the .go files of its lesson.
func stageFiles(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	out := map[string]string{}
	for _, en := range entries {
		name := en.Name()
		if en.IsDir() || !diffable(name) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("diff: %w", err)
		}
		out[name] = string(data)
	}
	return out, nil
}
