// This file reads the catalogue of wrong answers: for every exercise, the
// mistakes a learner will plausibly make, each written down as a small edit
// of one marked function. `verify --wrong` applies each edit to a copy of
// the reference and proves that the exercise's tests reject it.
//
// A catalogue file is workbook/wrong/<exercise-id>.txt. Lines starting with
// # are comments; blank lines separate nothing in particular. Each wrong
// answer is one entry:
//
//	== sleeps the package's constant instead of the interval argument
//	in stage01_future/poll_loop.go PollLoop
//	- time.Sleep(interval)
//	+ time.Sleep(pollInterval)
//
// "== " starts the entry and says, in one line, what the mistake is: it is
// what verify prints if the mistake goes unnoticed. "in FILE FUNC" names the
// marked function (FUNC as `go run ./workbook list` would spell it: Name, or
// (*Recv).Name for a method). The "- " lines are consecutive lines of the
// function's body, compared without their indentation, that must occur
// there exactly once; the "+ " lines replace them, indented like the first
// line they replace. No "+ " line at all deletes the "- " lines. An
// optional "also ID" line adds the tests of a later exercise that builds on
// this one, for a mistake that only shows once that exercise is in place.

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// wrongDir holds the catalogue, relative to the module root.
const wrongDir = "workbook/wrong"

// WrongAnswer is one hand-made mistake from the catalogue.
type WrongAnswer struct {
	Exercise string   // the catalogue file's exercise id
	Desc     string   // one line: what the mistake is
	File     string   // slash path of the marked file, relative to the root
	Func     string   // the marked function, spelled as Marker.Func
	Old      []string // lines of the body to find, without indentation
	New      []string // their replacement, without indentation
	Also     []string // exercises whose tests also count
	Pos      string   // catalogue file:line of the entry, for messages
}

// loadWrongAnswers reads every catalogue file under root and checks each
// entry against the project: the file and function exist and carry the
// catalogue's exercise id, and the lines to replace occur exactly once.
// Every exercise of the manifest must have a catalogue file. only, if not
// empty, limits all that to one exercise.
func loadWrongAnswers(p *Project, only string) ([]*WrongAnswer, problems) {
	var probs problems
	var all []*WrongAnswer
	for _, e := range p.Manifest.Exercises {
		if only != "" && e.ID != only {
			continue
		}
		rel := wrongDir + "/" + e.ID + ".txt"
		data, err := os.ReadFile(filepath.Join(p.Root, filepath.FromSlash(rel)))
		if os.IsNotExist(err) {
			probs.add(rel, 0, "exercise %s has no wrong answers listed: write two to five of its likely mistakes in this file (the format is in workbook/README.md)", e.ID)
			continue
		}
		if err != nil {
			probs.add(rel, 0, "cannot read: %v", err)
			continue
		}
		was, ps := parseWrongAnswers(rel, e.ID, data)
		probs = append(probs, ps...)
		for _, wa := range was {
			if pr := checkWrongAnswer(p, wa); pr != "" {
				probs.add(rel, lineOf(wa.Pos), "%s", pr)
				continue
			}
			all = append(all, wa)
		}
	}
	entries, err := os.ReadDir(filepath.Join(p.Root, filepath.FromSlash(wrongDir)))
	if err == nil {
		for _, en := range entries {
			id, ok := strings.CutSuffix(en.Name(), ".txt")
			if ok && p.Manifest.ByID(id) == nil {
				probs.add(wrongDir+"/"+en.Name(), 0, "no exercise %q in %s: rename or remove this file", id, manifestPath)
			}
		}
	}
	return all, probs
}

// parseWrongAnswers reads one catalogue file. name is its slash path, used
// in messages; id is the exercise it belongs to.
func parseWrongAnswers(name, id string, data []byte) ([]*WrongAnswer, problems) {
	var probs problems
	var out []*WrongAnswer
	var cur *WrongAnswer
	finish := func() {
		if cur == nil {
			return
		}
		switch {
		case cur.File == "":
			probs.add(name, lineOf(cur.Pos), "wrong answer %q does not say where: add a line \"in FILE FUNC\"", cur.Desc)
		case len(cur.Old) == 0:
			probs.add(name, lineOf(cur.Pos), "wrong answer %q changes nothing: add \"- \" lines to replace", cur.Desc)
		default:
			out = append(out, cur)
		}
		cur = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \t")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case strings.HasPrefix(line, "== "):
			finish()
			cur = &WrongAnswer{Exercise: id, Desc: strings.TrimSpace(line[3:]), Pos: fmt.Sprintf("%s:%d", name, n)}
		case cur == nil:
			probs.add(name, n, "start each wrong answer with a line \"== what the mistake is\"")
		case strings.HasPrefix(line, "in "):
			fields := strings.Fields(line[3:])
			if len(fields) != 2 {
				probs.add(name, n, "write \"in FILE FUNC\", e.g. in stage01_future/poll_loop.go PollLoop")
				continue
			}
			cur.File, cur.Func = fields[0], fields[1]
		case strings.HasPrefix(line, "also "):
			cur.Also = append(cur.Also, strings.Fields(line[5:])...)
		case line == "-" || strings.HasPrefix(line, "- "):
			if len(cur.New) > 0 {
				probs.add(name, n, "put every \"- \" line of an entry before its \"+ \" lines")
			}
			cur.Old = append(cur.Old, strings.TrimSpace(strings.TrimPrefix(line, "-")))
		case line == "+" || strings.HasPrefix(line, "+ "):
			cur.New = append(cur.New, strings.TrimSpace(strings.TrimPrefix(line, "+")))
		default:
			probs.add(name, n, "a line of a wrong answer starts with \"in \", \"also \", \"- \" or \"+ \"")
		}
	}
	finish()
	return out, probs
}

// checkWrongAnswer says what is wrong with an entry, or "".
func checkWrongAnswer(p *Project, wa *WrongAnswer) string {
	mk := markerOf(p, wa.File, wa.Func)
	if mk == nil {
		return fmt.Sprintf("no marked function %s in %s (marked functions are spelled Name or (*Recv).Name)", wa.Func, wa.File)
	}
	if mk.ID != wa.Exercise {
		return fmt.Sprintf("%s in %s belongs to exercise %s, not %s: move this wrong answer to %s/%s.txt", wa.Func, wa.File, mk.ID, wa.Exercise, wrongDir, mk.ID)
	}
	for _, id := range wa.Also {
		if p.Manifest.ByID(id) == nil {
			return fmt.Sprintf("also names %q, which is not an exercise", id)
		}
	}
	if _, err := applyWrongAnswer(mk.Body, wa); err != nil {
		return err.Error()
	}
	return ""
}

// markerOf finds the marked function fn of file, or nil.
func markerOf(p *Project, file, fn string) *Marker {
	for _, mk := range p.Markers {
		if mk.File == file && mk.Func == fn {
			return mk
		}
	}
	return nil
}

// applyWrongAnswer returns body with the entry's lines replaced.
func applyWrongAnswer(body string, wa *WrongAnswer) (string, error) {
	lines := strings.Split(body, "\n")
	at := -1
	for i := 0; i+len(wa.Old) <= len(lines); i++ {
		match := true
		for j, old := range wa.Old {
			if strings.TrimSpace(lines[i+j]) != old {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		if at >= 0 {
			return "", fmt.Errorf("the lines to replace (starting %q) occur more than once in %s: add a neighbouring line to tell them apart", wa.Old[0], wa.Func)
		}
		at = i
	}
	if at < 0 {
		return "", fmt.Errorf("the lines to replace (starting %q) are not in the body of %s: copy them from it", wa.Old[0], wa.Func)
	}
	first := lines[at]
	indent := first[:len(first)-len(strings.TrimLeft(first, " \t"))]
	repl := make([]string, len(wa.New))
	for i, l := range wa.New {
		repl[i] = indent + l
	}
	out := slices.Concat(lines[:at], repl, lines[at+len(wa.Old):])
	return strings.Join(out, "\n"), nil
}

// lineOf is the line number at the end of a "file:line" position.
func lineOf(pos string) int {
	var n int
	if i := strings.LastIndexByte(pos, ':'); i >= 0 {
		fmt.Sscanf(pos[i+1:], "%d", &n)
	}
	return n
}
