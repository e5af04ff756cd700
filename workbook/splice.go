// This file builds the folder that `grade --submission DIR` grades: a copy
// of the pristine edition (the reference, or an exported edition) in which
// every exercise body is first put back to its hole and then filled with the
// learner's body of the same function, taken from DIR. Nothing else comes
// from DIR: the tests, the manifest and its points, the runner and every
// line outside the marked bodies are the pristine's, so a submission that
// edits a test or the manifest changes nothing, and a body the submission
// lacks stays a hole instead of falling back to the reference answer.

package main

import (
	"errors"
	"fmt"
	"go/build"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// submissionProblem is why an exercise cannot take its bodies from the
// submission: a file that does not parse, a marked function that is gone or
// whose signature changed. The exercise fails with Reason.
type submissionProblem struct {
	Reason  string   // one line, naming the submission's file:line
	Excerpt []string // what to do about it
}

// splicedEdition is a pristine copy filled with a submission's bodies.
type splicedEdition struct {
	Dir string
	// Problems holds, per exercise id, why its bodies could not be taken.
	Problems map[string]*submissionProblem
	// Notes holds, per exercise id, lines that explain a failure, such as
	// a body written for another system than the grader's.
	Notes map[string][]string
}

// findSubmissionRoot finds the workbook in dir: dir itself, or its only
// subfolder that is one (an upload of the repository's folder, or an archive
// that unpacks into one folder).
func findSubmissionRoot(dir string) (string, error) {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return "", &usageError{fmt.Sprintf("grade: the submission %s is not a folder; give --submission the folder of the learner's copy (the one with go.mod and workbook/exercises.toml)", dir)}
	}
	if isWorkbookRoot(dir) {
		return dir, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("grade: read the submission %s: %w", dir, err)
	}
	var found []string
	for _, e := range entries {
		if e.IsDir() && isWorkbookRoot(filepath.Join(dir, e.Name())) {
			found = append(found, filepath.Join(dir, e.Name()))
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	return "", &usageError{fmt.Sprintf("grade: the submission %s is not a copy of the workbook: submit the whole folder of your copy, the one with go.mod and workbook/exercises.toml in it", dir)}
}

// spliceSubmission writes into dir (an empty folder) the pristine project p
// with every exercise body a hole, then fills each home body with the body
// of the same function in the same file of the submission at sub. Copies in
// later stages stay holes: carry fills them from the home body.
func spliceSubmission(p *Project, sub, dir string) (*splicedEdition, error) {
	if err := writeEdition(p, dir, func(string) bool { return true }); err != nil {
		return nil, err
	}
	// The copy is graded as a student edition: its copies differ from
	// their homes until carry fills them.
	if err := writeFile(filepath.Join(dir, filepath.FromSlash(editionPath)), []byte("A pristine edition filled with a submission's bodies, for grading.\n"), 0o644); err != nil {
		return nil, err
	}
	se := &splicedEdition{Dir: dir, Problems: map[string]*submissionProblem{}, Notes: map[string][]string{}}
	homes := homeMarkers(p.Markers, p.Copies)
	byFile := map[string][]*Marker{}
	for _, mk := range homes {
		byFile[mk.File] = append(byFile[mk.File], mk)
	}
	taken := map[*Marker]*Marker{} // pristine home -> the submission's marker
	for _, rel := range sortedKeys(byFile) {
		if err := se.spliceFile(p, sub, rel, byFile[rel], taken); err != nil {
			return nil, err
		}
	}
	se.noteOtherSystems(homes, taken)
	return se, nil
}

// fail records a problem for every exercise marked in markers that has none
// yet.
func (se *splicedEdition) fail(markers []*Marker, prob *submissionProblem) {
	for _, mk := range markers {
		if se.Problems[mk.ID] == nil {
			se.Problems[mk.ID] = prob
		}
	}
}

// spliceFile fills the bodies of the home markers of one file.
func (se *splicedEdition) spliceFile(p *Project, sub, rel string, homes []*Marker, taken map[*Marker]*Marker) error {
	subSrc, err := os.ReadFile(filepath.Join(sub, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		se.fail(homes, &submissionProblem{
			Reason:  rel + " is missing from the submission",
			Excerpt: []string{"Submit the whole folder of your copy; only the exercise bodies in it are graded."},
		})
		return nil
	}
	if err != nil {
		return fmt.Errorf("grade: read the submission: %w", err)
	}
	subMarkers, _, pf := parseMarkers(rel, subSrc)
	if pf != nil {
		se.fail(homes, &submissionProblem{
			Reason:  "does not build: " + pf.Pos() + " does not parse",
			Excerpt: []string{fmt.Sprintf("%s:%d:%d: syntax error: %s", pf.File, pf.Line, pf.Col, pf.Msg)},
		})
		return nil
	}
	dst := filepath.Join(se.Dir, filepath.FromSlash(rel))
	holes, err := os.ReadFile(dst)
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	holeMarkers, _, hpf := parseMarkers(rel, holes)
	if hpf != nil {
		return fmt.Errorf("grade: the pristine %s does not parse: %s", rel, hpf.Message())
	}
	type edit struct {
		at, n int
		body  string
	}
	var edits []edit
	for _, home := range homes {
		hole := findMarker(holeMarkers, home)
		got := findMarker(subMarkers, home)
		switch {
		case hole == nil:
			return fmt.Errorf("grade: the pristine %s lost %s marked %s", rel, home.Func, home.ID)
		case got == nil:
			se.fail([]*Marker{home}, &submissionProblem{
				Reason: fmt.Sprintf("%s has no %s marked %s", rel, home.Func, home.ID),
				Excerpt: []string{fmt.Sprintf("Keep the function %s, its name and its comment line %s %s as the starter has them: only its body is graded.",
					home.Func, markerPrefix, home.ID)},
			})
		case got.Signature != home.Signature:
			se.fail([]*Marker{home}, &submissionProblem{
				Reason: fmt.Sprintf("%s: the signature of %s differs from the starter's", got.Pos(), got.Func),
				Excerpt: []string{"want: " + home.Signature, "got:  " + got.Signature,
					"Only bodies are graded: put the starter's signature back."},
			})
		default:
			taken[home] = got
			edits = append(edits, edit{at: hole.bodyStart, n: len(hole.Body), body: got.Body})
		}
	}
	slices.SortFunc(edits, func(a, b edit) int { return b.at - a.at })
	out := string(holes)
	for _, e := range edits {
		out = out[:e.at] + e.body + out[e.at+e.n:]
	}
	// The bodies may use imports the holes dropped: take them from the
	// submission's file, and from the pristine one for the rest.
	pristineSrc, err := os.ReadFile(filepath.Join(p.Root, filepath.FromSlash(rel)))
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	fixed, err := fixImports(rel, []byte(out), []*carrySource{{rel: rel, src: subSrc}, {rel: rel, src: pristineSrc}})
	if err != nil {
		se.fail(homes, &submissionProblem{Reason: "does not build: " + rel, Excerpt: []string{err.Error()}})
		return nil
	}
	return writeFile(dst, fixed, 0o644)
}

// findMarker finds the marker of the same exercise on the function of the
// same name and receiver as want, in the same file.
func findMarker(markers []*Marker, want *Marker) *Marker {
	for _, mk := range markers {
		if mk.ID == want.ID && mk.Func == want.Func && mk.File == want.File {
			return mk
		}
	}
	return nil
}

// noteOtherSystems explains the case of a learner on another system than
// the grader's: the poller exercises have one body per system (epoll for
// Linux, kqueue for macOS and FreeBSD), and only the file for the system
// that runs the tests is built. A body written in a file this system does
// not build, while the one it builds is still the hole, gets a note saying
// so.
func (se *splicedEdition) noteOtherSystems(homes []*Marker, taken map[*Marker]*Marker) {
	for _, mk := range homes {
		got := taken[mk]
		if got == nil || builtHere(se.Dir, mk.File) || isHole(got) {
			continue
		}
		for _, twin := range homes {
			if twin.ID != mk.ID || twin.Func != mk.Func || path.Dir(twin.File) != path.Dir(mk.File) || !builtHere(se.Dir, twin.File) {
				continue
			}
			if t := taken[twin]; t != nil && isHole(t) {
				se.Notes[mk.ID] = append(se.Notes[mk.ID], fmt.Sprintf(
					"Your %s in %s is for another system: this grader runs on %s, which builds %s, and there %s is still the starter's panic. Write that body too, or ask for grading on your system.",
					mk.Func, mk.File, build.Default.GOOS, twin.File, twin.Func))
			}
		}
	}
}

// isHole reports whether a marker's body is still its exercise's panic.
func isHole(mk *Marker) bool {
	return slices.Contains(notDoneIDs([]string{mk.Body}), mk.ID)
}

// builtHere reports whether the go command builds the file rel under root
// on this system (its build constraints and _GOOS suffix allow it).
func builtHere(root, rel string) bool {
	ok, err := build.Default.MatchFile(filepath.Join(root, filepath.FromSlash(path.Dir(rel))), path.Base(rel))
	return err != nil || ok
}

// apply turns the splice's problems and notes into the grade: an exercise
// with a problem fails with it, whatever its tests said, and a failure gets
// the notes that explain it.
func (se *splicedEdition) apply(r *gradeReport) {
	for _, res := range r.Results {
		id := res.Exercise.ID
		if prob := se.Problems[id]; prob != nil {
			res.Status = StatusFailed
			res.Reason = prob.Reason
			res.Excerpt = slices.Clone(prob.Excerpt)
			res.Advice = nil
		}
		if res.Passed() {
			continue
		}
		res.Excerpt = append(res.Excerpt, se.Notes[id]...)
		if res.Reason == "does not compile" && mentionsUndefined(res.Output) {
			res.Excerpt = append(res.Excerpt, helpersNotTaken)
		}
	}
	r.total()
}

// helpersNotTaken explains an undefined name in a graded submission.
const helpersNotTaken = "Only the bodies of the exercise functions are graded: a function, type, variable or constant you added outside them is not taken. Move what the body needs inside it (a closure or a local type)."

// mentionsUndefined reports whether a build failure names an undefined
// identifier.
func mentionsUndefined(lines []string) bool {
	for _, l := range lines {
		if strings.Contains(l, "undefined: ") {
			return true
		}
	}
	return false
}
