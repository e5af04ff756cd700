// This file loads everything the commands work on: the module root, its
// files, the manifest and the markers, checked against each other.

package main

import (
	"os"
	"path/filepath"
	"strings"
)

// Project is a loaded and validated workbook.
type Project struct {
	Root     string
	Files    []string // slash paths relative to Root
	Manifest *Manifest
	Markers  []*Marker
	// Copies ties each marked function of a later stage to the home
	// function it is carried from (see copies.go).
	Copies []copyLink
	// Broken lists the files with marked bodies that do not parse; their
	// markers were found from their lines (syntaxerror.go).
	Broken []*parseFailure
	// Student is true in an exported edition, student or grading.
	Student bool
	// Grading is true in a grading edition: the hidden tests are present
	// and check and grade run them.
	Grading bool
}

// loadProject reads and validates the workbook at root. Any inconsistency
// between manifest, markers and tests is an error listing every problem. A
// file that does not parse is not one: it is kept in Broken, for the
// commands to report where it matters.
func loadProject(root string) (*Project, error) {
	files, err := listProjectFiles(root)
	if err != nil {
		return nil, err
	}
	m, err := readManifest(root)
	if err != nil {
		return nil, err
	}
	markers, broken, probs := scanMarkers(root, files)
	probs = append(probs, validateProject(root, m, markers)...)
	links, linkProbs := linkCopies(m, markers)
	student := isStudentEdition(root)
	if !student {
		// In the reference every copy must have a home and be its twin. In
		// a student edition a copy differs from its home until carry fills
		// it, and a home the learner has broken (a file that does not
		// parse, say) only keeps carry from filling its copies.
		probs = append(probs, linkProbs...)
		probs = append(probs, checkCopiesIdentical(links)...)
	}
	if err := probs.err(); err != nil {
		return nil, err
	}
	return &Project{
		Root:     root,
		Files:    files,
		Manifest: m,
		Markers:  markers,
		Copies:   links,
		Broken:   broken,
		Student:  student,
		Grading:  student && isGradingEdition(root),
	}, nil
}

// HomeMarkersOf lists the marked functions of one exercise that the
// learner writes: those in its home stage, not the copies carry fills.
func (p *Project) HomeMarkersOf(id string) []*Marker {
	return homeMarkers(p.MarkersOf(id), p.Copies)
}

// MarkersOf lists the marked functions of one exercise.
func (p *Project) MarkersOf(id string) []*Marker {
	var out []*Marker
	for _, mk := range p.Markers {
		if mk.ID == id {
			out = append(out, mk)
		}
	}
	return out
}

// statePath is where the runner remembers results and hints.
func (p *Project) statePath() string {
	return filepath.Join(p.Root, ".workbook", "state.json")
}

// editionPath marks an exported edition, and its first line says which. It
// lives in workbook/ rather than .workbook/ because the project's .gitignore
// ignores .workbook/, and the marker must travel with the template
// repository a teacher pushes.
const editionPath = "workbook/EDITION"

// isStudentEdition reports whether root is an exported edition, the
// student's or the grading one.
func isStudentEdition(root string) bool {
	_, err := os.Stat(filepath.Join(root, filepath.FromSlash(editionPath)))
	return err == nil
}

// isGradingEdition reports whether root is an exported grading edition:
// its edition file opens with the grading edition's note.
func isGradingEdition(root string) bool {
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(editionPath)))
	first, _, _ := strings.Cut(gradingEditionNote, "\n")
	return err == nil && strings.HasPrefix(string(data), first)
}
