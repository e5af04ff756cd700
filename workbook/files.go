// This file decides which files make up the project: the ones git tracks (or
// would track) in a checkout, or every file in a plain folder except the
// runner's memory, the maintainers' notes and generated output. Export copies
// exactly this list, and the marker scan reads the Go files in it.

package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// neverExported are top-level folders that belong to one person's checkout,
// not to the project: the runner's state, the maintainers' notes, the output
// of the performance sweep and git's own history. The maintainers' CI script
// stays behind too: it runs verify, which only works on the reference, and
// the student edition is graded by its own classroom workflow instead.
var neverExported = []string{".git", ".workbook", ".notes", "perf-out", ".ci"}

// listProjectFiles returns the project's regular files as slash paths
// relative to root, sorted.
func listProjectFiles(root string) ([]string, error) {
	var files []string
	var err error
	if _, statErr := os.Stat(filepath.Join(root, ".git")); statErr == nil {
		files, err = gitFiles(root)
	} else {
		files, err = walkFiles(root)
	}
	if err != nil {
		return nil, err
	}
	kept := files[:0]
	for _, f := range files {
		if excludedPath(f) {
			continue
		}
		// git lists files that were deleted but not yet committed; symlinks
		// and the like are not part of a teaching copy either.
		info, err := os.Lstat(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		kept = append(kept, f)
	}
	sort.Strings(kept)
	return dedupe(kept), nil
}

// gitFiles asks git for tracked files plus new files that .gitignore does not
// exclude, so a file someone just created is exported before it is committed.
func gitFiles(root string) ([]string, error) {
	cmd := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("list the project's files with git ls-files: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var files []string
	for _, f := range strings.Split(string(out), "\x00") {
		if f != "" {
			files = append(files, f)
		}
	}
	return files, nil
}

// walkFiles lists every regular file under root outside the excluded folders.
func walkFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && excludedPath(rel+"/") {
				return filepath.SkipDir
			}
			return nil
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the project's files: %w", err)
	}
	return files, nil
}

// excludedPath reports whether a slash path lies in a never-exported folder.
func excludedPath(rel string) bool {
	for _, dir := range neverExported {
		if rel == dir || strings.HasPrefix(rel, dir+"/") {
			return true
		}
	}
	return false
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// goSourceFiles keeps the .go files the go command itself would build as part
// of this module: not in testdata or vendor, not in folders whose name starts
// with "." or "_", and not inside a nested module (a folder with its own
// go.mod, such as the runner's test fixture).
func goSourceFiles(files []string) []string {
	var nested []string
	for _, f := range files {
		if path.Base(f) == "go.mod" && f != "go.mod" {
			nested = append(nested, path.Dir(f)+"/")
		}
	}
	var out []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".go") || ignoredByGoTool(f) {
			continue
		}
		inNested := false
		for _, n := range nested {
			if strings.HasPrefix(f, n) {
				inNested = true
				break
			}
		}
		if !inNested {
			out = append(out, f)
		}
	}
	return out
}

// ignoredByGoTool mirrors the go command's rule for folders it never builds.
func ignoredByGoTool(rel string) bool {
	parts := strings.Split(rel, "/")
	for _, p := range parts[:len(parts)-1] {
		if p == "testdata" || p == "vendor" || strings.HasPrefix(p, ".") || strings.HasPrefix(p, "_") {
			return true
		}
	}
	base := parts[len(parts)-1]
	return strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_")
}
