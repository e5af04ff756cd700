// This file writes the exported manifest by editing the reference's
// exercises.toml line by line, so the teacher's comments and layout travel
// unchanged: the entries of exercises that ship solved go (with the stage's
// heading comment once none of its entries is left), and so do the hidden
// keys outside the grading edition; points and requires are rewritten
// where the plan changed them. The result is read back and compared with
// the plan, so an edit that went wrong stops the export instead of handing
// out a manifest that says something else.

package main

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// editManifest returns the exported manifest's text. data is the
// reference's exercises.toml, ref its decoded form (with the line of every
// entry and key), want the plan's manifest.
func editManifest(data []byte, ref, want *Manifest) ([]byte, error) {
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	ed := manifestEditor{lines: lines, drop: make([]bool, len(lines)), replace: map[int]string{}}
	kept := map[string]*Exercise{}
	for _, e := range want.Exercises {
		kept[e.ID] = e
	}
	for i, e := range ref.Exercises {
		out := kept[e.ID]
		if out == nil {
			ed.dropEntry(ref, i, kept)
			continue
		}
		if len(e.Hidden) > 0 && len(out.Hidden) == 0 {
			ed.dropKey(ref, i, "hidden")
		}
		if out.Points != e.Points {
			ed.replaceKey(ref, i, "points", "points = "+strconv.Itoa(out.Points))
		}
		if !slices.Equal(out.Requires, e.Requires) {
			if len(out.Requires) == 0 {
				ed.dropKey(ref, i, "requires")
			} else {
				quoted := make([]string, len(out.Requires))
				for j, r := range out.Requires {
					quoted[j] = strconv.Quote(r)
				}
				ed.replaceKey(ref, i, "requires", "requires = ["+strings.Join(quoted, ", ")+"]")
			}
		}
	}
	text := ed.text()
	got, err := parseManifest(manifestPath, []byte(text))
	if err != nil {
		return nil, fmt.Errorf("export: the edited %s does not parse (%v); write each key of an entry on lines of its own", manifestPath, err)
	}
	if diff := manifestDifference(got, want); diff != "" {
		return nil, fmt.Errorf("export: editing %s line by line went wrong (%s); write each key of an entry on lines of its own", manifestPath, diff)
	}
	return []byte(text), nil
}

// manifestEditor collects line edits; lines are 0-based here, while the
// manifest's recorded lines are 1-based.
type manifestEditor struct {
	lines   []string
	drop    []bool
	replace map[int]string
}

// isCode reports whether a line holds TOML rather than a comment or
// nothing.
func isCode(line string) bool {
	t := strings.TrimSpace(line)
	return t != "" && !strings.HasPrefix(t, "#")
}

// entrySpan is the 0-based first and last line of entry i: its header to
// its last line of TOML.
func (ed *manifestEditor) entrySpan(ref *Manifest, i int) (int, int) {
	start := ref.Exercises[i].Line - 1
	next := len(ed.lines)
	if i+1 < len(ref.Exercises) {
		next = ref.Exercises[i+1].Line - 1
	}
	return start, ed.lastCode(start, next)
}

// lastCode is the last line of TOML in [from, to), or from.
func (ed *manifestEditor) lastCode(from, to int) int {
	for l := to - 1; l > from; l-- {
		if isCode(ed.lines[l]) {
			return l
		}
	}
	return from
}

// keySpan is the 0-based first and last line of key's value in entry i,
// and false if the entry does not write the key.
func (ed *manifestEditor) keySpan(ref *Manifest, i int, key string) (int, int, bool) {
	e := ref.Exercises[i]
	line, ok := e.keyLines[key]
	if !ok {
		return 0, 0, false
	}
	_, entryEnd := ed.entrySpan(ref, i)
	next := entryEnd + 1
	for _, l := range e.keyLines {
		if l > line && l-1 < next {
			next = l - 1
		}
	}
	return line - 1, ed.lastCode(line-1, next), true
}

func (ed *manifestEditor) dropKey(ref *Manifest, i int, key string) {
	if from, to, ok := ed.keySpan(ref, i, key); ok {
		for l := from; l <= to; l++ {
			ed.drop[l] = true
		}
	}
}

func (ed *manifestEditor) replaceKey(ref *Manifest, i int, key, text string) {
	from, to, ok := ed.keySpan(ref, i, key)
	if !ok {
		return
	}
	indent := ed.lines[from][:len(ed.lines[from])-len(strings.TrimLeft(ed.lines[from], " \t"))]
	ed.replace[from] = indent + text + "\n"
	for l := from + 1; l <= to; l++ {
		ed.drop[l] = true
	}
}

// dropEntry removes entry i. The comments just above it (a stage's
// heading, say) go too, unless the next entry that stays belongs to the
// same stage and so still needs them.
func (ed *manifestEditor) dropEntry(ref *Manifest, i int, kept map[string]*Exercise) {
	start, end := ed.entrySpan(ref, i)
	for l := start; l <= end; l++ {
		ed.drop[l] = true
	}
	for _, later := range ref.Exercises[i+1:] {
		if kept[later.ID] != nil {
			if later.Stage == ref.Exercises[i].Stage {
				return
			}
			break
		}
	}
	for _, l := range ed.leadingComments(ref, i) {
		ed.drop[l] = true
	}
}

// leadingComments lists the comment lines between entry i and the entry
// before it. Above the first entry only the last paragraph counts: the
// file's own header, which explains the format, always stays.
func (ed *manifestEditor) leadingComments(ref *Manifest, i int) []int {
	header := ref.Exercises[i].Line - 1
	var out []int
	if i > 0 {
		_, prevEnd := ed.entrySpan(ref, i-1)
		for l := prevEnd + 1; l < header; l++ {
			if strings.HasPrefix(strings.TrimSpace(ed.lines[l]), "#") {
				out = append(out, l)
			}
		}
		return out
	}
	l := header - 1
	for l >= 0 && strings.TrimSpace(ed.lines[l]) == "" {
		l--
	}
	for l >= 0 && strings.HasPrefix(strings.TrimSpace(ed.lines[l]), "#") {
		out = append(out, l)
		l--
	}
	if l < 0 {
		return nil // the paragraph is the file's header
	}
	sort.Ints(out)
	return out
}

// text applies the edits. Where lines were dropped, a run of blank lines
// left behind shrinks to one.
func (ed *manifestEditor) text() string {
	var b strings.Builder
	lastBlank, droppedSince := false, false
	for l, line := range ed.lines {
		if ed.drop[l] {
			droppedSince = true
			continue
		}
		if r, ok := ed.replace[l]; ok {
			line = r
		}
		blank := strings.TrimSpace(line) == ""
		if blank && lastBlank && droppedSince {
			continue
		}
		b.WriteString(line)
		lastBlank, droppedSince = blank, false
	}
	return b.String()
}

// manifestDifference describes the first way got differs from want, or
// returns "".
func manifestDifference(got, want *Manifest) string {
	if !slices.Equal(got.IDs(), want.IDs()) {
		return fmt.Sprintf("it lists %v instead of %v", got.IDs(), want.IDs())
	}
	for i, g := range got.Exercises {
		w := want.Exercises[i]
		same := g.Stage == w.Stage && g.Title == w.Title && g.Concept == w.Concept &&
			g.Points == w.Points && slices.Equal(g.Hints, w.Hints) && slices.Equal(g.Tests, w.Tests) &&
			slices.Equal(g.Requires, w.Requires) && slices.Equal(g.Hidden, w.Hidden)
		if !same {
			return fmt.Sprintf("entry %s reads differently", g.ID)
		}
	}
	return ""
}
