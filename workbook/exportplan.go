// This file decides what an export contains: which exercises are the
// assignment (holes the learner fills), which ship solved, what each is
// worth, and whether the hidden tests go too. The teacher says so with
// export's --only, --points and --grading; the plan is what the rest of
// export works from.

package main

import (
	"flag"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// exportOptions are the teacher's choices for one export.
type exportOptions struct {
	// Only lists the exercises that are the assignment, by id or by stage
	// ("s03-parker", "stage3", "stage03", "stage03_waker"). Empty means
	// every exercise. The others ship solved: reference body, no marker.
	Only []string
	// Points sets an exercise's worth in the exported manifest, keyed by
	// id or by stage (then every selected exercise of that stage). An id
	// wins over its stage.
	Points map[string]int
	// Solutions adds the selected exercises' reference bodies in
	// solutionsPath, for `solution` to show after a pass.
	Solutions bool
	// Grading writes the grading edition: the student edition plus the
	// hidden test files and the manifest's hidden keys, for graders.
	Grading bool
}

// editionPlan is an export worked out from exportOptions.
type editionPlan struct {
	// Selected holds the ids whose bodies become holes.
	Selected map[string]bool
	// Solved lists, in the learner's order, the exercises that ship with
	// their reference bodies and without markers.
	Solved []*Exercise
	// Manifest is the exported manifest: the selected exercises only, with
	// requires on solved ones dropped, points overridden, and hidden tests
	// kept only in a grading edition.
	Manifest *Manifest
	// Grading is true for the grading edition.
	Grading bool
	// Partial is true when --only left some exercises out.
	Partial bool
}

// stub reports whether id's bodies become holes.
func (pl *editionPlan) stub(id string) bool { return pl.Selected[id] }

// solved reports whether id ships solved, so its markers go.
func (pl *editionPlan) solved(id string) bool { return !pl.Selected[id] }

// planEdition checks opts against the manifest and works out the export.
// Every mistake the teacher can make in opts is a usageError of one line.
func planEdition(m *Manifest, opts exportOptions) (*editionPlan, error) {
	selected, err := selectForExport(m, opts.Only)
	if err != nil {
		return nil, err
	}
	points, err := resolvePoints(m, selected, opts.Points)
	if err != nil {
		return nil, err
	}
	pl := &editionPlan{Selected: selected, Grading: opts.Grading, Manifest: &Manifest{Path: m.Path}}
	for _, e := range m.Exercises {
		if !selected[e.ID] {
			pl.Solved = append(pl.Solved, e)
			pl.Partial = true
			continue
		}
		out := *e
		out.Requires = slices.DeleteFunc(slices.Clone(e.Requires), func(r string) bool { return !selected[r] })
		out.Hints = slices.Clone(e.Hints)
		out.Tests = slices.Clone(e.Tests)
		out.Hidden = nil
		if opts.Grading {
			out.Hidden = slices.Clone(e.Hidden)
		}
		if n, ok := points[e.ID]; ok {
			out.Points = n
		}
		pl.Manifest.Exercises = append(pl.Manifest.Exercises, &out)
	}
	return pl, nil
}

// bareNumber catches "--only 3", written for "stage3".
var bareNumber = regexp.MustCompile(`^[0-9]+$`)

// selectForExport resolves --only into a set of ids: every exercise when
// only is empty.
func selectForExport(m *Manifest, only []string) (map[string]bool, error) {
	selected := map[string]bool{}
	if len(only) == 0 {
		for _, e := range m.Exercises {
			selected[e.ID] = true
		}
		return selected, nil
	}
	for _, item := range only {
		ids, err := exercisesNamed(m, item)
		if err != nil {
			return nil, &usageError{"export --only: " + err.Error()}
		}
		for _, e := range ids {
			selected[e.ID] = true
		}
	}
	return selected, nil
}

// exercisesNamed resolves one item of --only or --points: a stage or an id.
func exercisesNamed(m *Manifest, item string) ([]*Exercise, error) {
	switch {
	case item == "":
		return nil, fmt.Errorf("an empty name in the list; separate ids and stages with single commas, e.g. stage3,s04-spawn")
	case bareNumber.MatchString(item):
		return nil, fmt.Errorf("%q: write a stage as stage%s", item, item)
	case stageArg.MatchString(item):
		return selectExercises(m, nil, item)
	}
	e, err := lookupExercise(m, item)
	if err != nil {
		return nil, err
	}
	return []*Exercise{e}, nil
}

// resolvePoints turns --points into a worth per selected id. A stage sets
// every selected exercise of it; an id, given anywhere in the list, wins
// over its stage.
func resolvePoints(m *Manifest, selected map[string]bool, given map[string]int) (map[string]int, error) {
	byStage, byID := map[string]int{}, map[string]int{}
	for _, key := range sortedKeys(given) {
		n := given[key]
		if n < 1 {
			return nil, &usageError{fmt.Sprintf("export --points: %s=%d: points must be a whole number of at least 1", key, n)}
		}
		exs, err := exercisesNamed(m, key)
		if err != nil {
			return nil, &usageError{"export --points: " + err.Error()}
		}
		var chosen []*Exercise
		for _, e := range exs {
			if selected[e.ID] {
				chosen = append(chosen, e)
			}
		}
		if len(chosen) == 0 {
			return nil, &usageError{fmt.Sprintf("export --points: %s is not in the assignment (it ships solved); add it to --only or leave it out of --points", key)}
		}
		target := byID
		if stageArg.MatchString(key) {
			target = byStage
		}
		for _, e := range chosen {
			target[e.ID] = n
		}
	}
	for id, n := range byID {
		byStage[id] = n
	}
	return byStage, nil
}

// parseOnly splits the value of --only ("stage3,s04-spawn").
func parseOnly(value string) []string {
	if value == "" {
		return nil
	}
	items := strings.Split(value, ",")
	for i := range items {
		items[i] = strings.TrimSpace(items[i])
	}
	return items
}

// parsePoints reads the value of --points: ID=N or stageN=N, comma
// separated. A name given twice is a mistake, since one of the two would be
// silently lost.
func parsePoints(value string) (map[string]int, error) {
	if value == "" {
		return nil, nil
	}
	out := map[string]int{}
	for _, item := range strings.Split(value, ",") {
		key, num, ok := strings.Cut(strings.TrimSpace(item), "=")
		key, num = strings.TrimSpace(key), strings.TrimSpace(num)
		if !ok || key == "" || num == "" {
			return nil, &usageError{fmt.Sprintf("export --points: %q: write ID=N or stageN=N, e.g. s03-parker=2,stage4=3", item)}
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 {
			return nil, &usageError{fmt.Sprintf("export --points: %s=%s: points must be a whole number of at least 1", key, num)}
		}
		if _, dup := out[key]; dup {
			return nil, &usageError{fmt.Sprintf("export --points: %s is given twice; keep one", key)}
		}
		out[key] = n
	}
	return out, nil
}

// solvedSummary says briefly which exercises ship solved: whole stages by
// number, and for a stage only partly selected how many of it.
func (pl *editionPlan) solvedSummary(m *Manifest) string {
	perStage := map[int]int{}
	for _, e := range m.Exercises {
		perStage[e.Stage]++
	}
	solvedPerStage := map[int]int{}
	var stages []int
	for _, e := range pl.Solved {
		if solvedPerStage[e.Stage] == 0 {
			stages = append(stages, e.Stage)
		}
		solvedPerStage[e.Stage]++
	}
	var parts []string
	for _, s := range stages {
		if solvedPerStage[s] == perStage[s] {
			parts = append(parts, fmt.Sprintf("stage %02d", s))
		} else {
			parts = append(parts, fmt.Sprintf("%d of stage %02d", solvedPerStage[s], s))
		}
	}
	return strings.Join(parts, ", ")
}

// answers lists the markers of the selected exercises, homes and copies:
// the bodies that must not be found in the export. The solved exercises'
// bodies are there on purpose.
func (pl *editionPlan) answers(markers []*Marker) []*Marker {
	var out []*Marker
	for _, mk := range markers {
		if pl.Selected[mk.ID] {
			out = append(out, mk)
		}
	}
	return out
}

// hasHidden reports whether any selected exercise has hidden tests, which
// the student edition leaves out and the teacher may grade with.
func (pl *editionPlan) hasHidden(m *Manifest) bool {
	for _, e := range m.Exercises {
		if pl.Selected[e.ID] && len(e.Hidden) > 0 {
			return true
		}
	}
	return false
}

// shipped names the functions of the exercises that ship solved, homes
// and copies: the scans for answers pass over them.
func (pl *editionPlan) shipped(markers []*Marker) shippedFuncs {
	out := shippedFuncs{}
	for _, mk := range markers {
		if pl.Selected[mk.ID] {
			continue
		}
		if out[mk.File] == nil {
			out[mk.File] = map[string]bool{}
		}
		out[mk.File][mk.Func] = true
	}
	return out
}

// solvedRepeats finds the exercises that ship solved with a body that
// holds the answer of a selected one, or nearly is it (nearCopyRatio):
// stages copy code forward, so a stage handed out solved can hold a
// selected stage's answer. It returns one line per selected exercise so
// given away, e.g. "s03-register (in s02-register, s04-reactor-close)".
func (pl *editionPlan) solvedRepeats(markers []*Marker) []string {
	var refs []referenceBody
	for _, mk := range pl.answers(markers) {
		refs = append(refs, referenceBody{m: mk, toks: goTokens(mk.Body)})
	}
	found := map[string][]string{}
	var order []string
	for _, mk := range markers {
		if pl.Selected[mk.ID] {
			continue
		}
		text, toks := normalizeSpace(mk.Body), goTokens(mk.Body)
		for _, ref := range refs {
			answer := normalizeSpace(ref.m.Body)
			holds := answer != "" && strings.Contains(text, answer)
			if !holds && nearCopyOf(toks, []referenceBody{ref}) == "" {
				continue
			}
			if found[ref.m.ID] == nil {
				order = append(order, ref.m.ID)
			}
			if !slices.Contains(found[ref.m.ID], mk.ID) {
				found[ref.m.ID] = append(found[ref.m.ID], mk.ID)
			}
		}
	}
	out := make([]string, len(order))
	for i, id := range order {
		out[i] = fmt.Sprintf("%s (in %s)", id, strings.Join(found[id], ", "))
	}
	return out
}

// selectionFlags are --only and --points, the choice of an assignment that
// export and autograder both take.
type selectionFlags struct {
	only, points *string
}

// addSelectionFlags defines --only and --points on fs with these usages.
func addSelectionFlags(fs *flag.FlagSet, onlyUsage, pointsUsage string) selectionFlags {
	return selectionFlags{only: fs.String("only", "", onlyUsage), points: fs.String("points", "", pointsUsage)}
}

// options reads the flags once fs is parsed; cmd names the command in the
// one-line error for an --only given with nothing in it.
func (sf selectionFlags) options(fs *flag.FlagSet, cmd string) (exportOptions, error) {
	onlySet := false
	fs.Visit(func(f *flag.Flag) { onlySet = onlySet || f.Name == "only" })
	if onlySet && strings.TrimSpace(*sf.only) == "" {
		return exportOptions{}, &usageError{cmd + " --only: name at least one exercise or stage, e.g. --only stage3,s04-spawn"}
	}
	pts, err := parsePoints(*sf.points)
	if err != nil {
		return exportOptions{}, err
	}
	return exportOptions{Only: parseOnly(*sf.only), Points: pts}, nil
}
