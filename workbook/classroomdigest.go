// This file computes the digest that ties the classroom workflow to the
// edition it was exported with: the SHA-256 of the list "sha256  path", one
// line per file in byte order of the slash paths, the list that
// `git ls-files -z | xargs -0 shasum -a 256` prints in the starter commit.
// The workflow recomputes it there and grades only against a starter commit
// that matches, so a history rewritten to change the tests is caught.

package main

import (
	"crypto/sha256"
	"fmt"
	"go/build"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
)

// classroomWorkflowPath is where export writes the workflow.
const classroomWorkflowPath = ".github/workflows/classroom.yml"

// digestExcluded are the edition's files the digest leaves out: the
// workflow, which holds the digest, and the reference bodies that
// `export --solutions` adds after the workflow is written, which grading
// never reads.
var digestExcluded = []string{classroomWorkflowPath, solutionsPath}

// editionDigest is the digest of every regular file under dir except the
// excluded ones.
func editionDigest(dir string) (string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); !slices.Contains(digestExcluded, rel) {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("digest of the edition: %w", err)
	}
	sort.Strings(files)
	list := sha256.New()
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return "", fmt.Errorf("digest of the edition: %w", err)
		}
		fmt.Fprintf(list, "%x  %s\n", sha256.Sum256(data), rel)
	}
	return fmt.Sprintf("%x", list.Sum(nil)), nil
}

// otherSystemFiles lists the marked files that Linux does not build: a
// learner on macOS or FreeBSD writes their poller bodies there.
func otherSystemFiles(p *Project) []string {
	linux := build.Default
	linux.GOOS, linux.GOARCH = "linux", "amd64"
	var out []string
	for _, rel := range p.markedFiles() {
		ok, err := linux.MatchFile(filepath.Join(p.Root, filepath.FromSlash(path.Dir(rel))), path.Base(rel))
		if err == nil && !ok {
			out = append(out, rel)
		}
	}
	return out
}

// writeClassroomWorkflow writes the workflow for the exercises of m (the
// edition's manifest) into the edition in dir, with the digest of
// everything already written there. Export calls it once the edition's
// other files are in place.
func writeClassroomWorkflow(p *Project, m *Manifest, dir string) error {
	digest, err := editionDigest(dir)
	if err != nil {
		return err
	}
	wf := classroomWorkflow(m, classroomSetup{Digest: digest, OtherSystemFiles: otherSystemFiles(p)})
	return writeFile(filepath.Join(dir, filepath.FromSlash(classroomWorkflowPath)), []byte(renderWorkflow(wf)), 0o644)
}
