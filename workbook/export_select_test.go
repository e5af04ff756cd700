package main

import (
	"encoding/base64"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readExportedManifest decodes the manifest of an export.
func readExportedManifest(t *testing.T, dir string) (*Manifest, string) {
	t.Helper()
	text := string(mustRead(t, filepath.Join(dir, filepath.FromSlash(manifestPath))))
	m, err := parseManifest(manifestPath, []byte(text))
	require.NoError(t, err)
	return m, text
}

func TestExportOnlyMakesTheSelectionHolesAndShipsTheRestSolvedAndUnmarked(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	code, stdout, stderr := runApp(t, p.Root, "export", dir, "--only", "sum")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Wrote the student edition to "+dir+": 1 exercise is a hole; 3 ship solved (stage 01, 1 of stage 02).")

	calc := string(mustRead(t, filepath.Join(dir, "calc", "calc.go")))
	assert.Contains(t, calc, notDoneMessage("sum"))
	assert.Contains(t, calc, "//workbook:exercise sum")
	assert.Contains(t, calc, "// Add returns the sum of a and b.\nfunc Add(a, b int) int {\n\t// The reference answer: one addition.\n\treturn a + b\n}",
		"Add ships solved: its reference body stays, and the marker goes with the empty comment line above it")
	for _, rel := range []string{"calc/greet.go", "counter/counter.go"} {
		got := string(mustRead(t, filepath.Join(dir, filepath.FromSlash(rel))))
		want := string(mustRead(t, filepath.Join(p.Root, filepath.FromSlash(rel))))
		assert.NotContains(t, got, markerPrefix, "%s: a solved exercise keeps no marker", rel)
		assert.Equal(t, strings.ReplaceAll(strings.ReplaceAll(want, "//\n//workbook:exercise greet\n", ""), "//\n//workbook:exercise counter\n", ""), got)
	}

	m, text := readExportedManifest(t, dir)
	assert.Equal(t, []string{"sum"}, m.IDs())
	assert.Empty(t, m.Exercises[0].Requires, "sum's requires named add, which ships solved")
	assert.NotContains(t, text, "requires")
	assert.True(t, strings.HasPrefix(text, "# The fixture's exercises"), "the manifest's own comments travel")

	// Classroom grades against this edition's own manifest, which the
	// workflow's digest covers.
	digest, err := editionDigest(dir)
	require.NoError(t, err)
	workflowText := string(mustRead(t, filepath.Join(dir, ".github", "workflows", "classroom.yml")))
	assert.Contains(t, workflowText, "want="+digest)
	readme := string(mustRead(t, filepath.Join(dir, "README.md")))
	assert.Contains(t, readme, "| 1 | 2 | `sum` | Sum with Add | 3 |  |")
	assert.NotContains(t, readme, "`add`")
	assert.Contains(t, readme, "Total: 3 points.")

	code, stdout, stderr = runApp(t, dir, "list", "--json")
	require.Equal(t, 0, code, stderr)
	var entries []listEntry
	require.NoError(t, json.Unmarshal([]byte(stdout), &entries))
	require.Len(t, entries, 1)
	assert.Equal(t, "sum", entries[0].ID)
	out, err := runGo(t.Context(), dir, "vet", "./...")
	require.NoError(t, err, "go vet in the export:\n%s", out)
}

func TestExportOnlyWithSolutionsHoldsOnlyTheSelectedReferences(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportEdition(p, dir, exportOptions{Only: []string{"stage2"}, Solutions: true}))
	var sf solutionsFile
	require.NoError(t, json.Unmarshal(mustRead(t, filepath.Join(dir, filepath.FromSlash(solutionsPath))), &sf))
	assert.ElementsMatch(t, []string{"sum", "counter"}, sortedKeys(sf.Exercises))
}

func TestExportPointsLandInTheExportedManifest(t *testing.T) {
	p := loadFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	code, _, stderr := runApp(t, p.Root, "export", dir, "--only", "add,stage2", "--points", "stage2=4,counter=7,add=5")
	require.Equal(t, 0, code, stderr)
	m, text := readExportedManifest(t, dir)
	points := map[string]int{}
	for _, e := range m.Exercises {
		points[e.ID] = e.Points
	}
	assert.Equal(t, map[string]int{"add": 5, "sum": 4, "counter": 7}, points, "an id wins over its stage")
	assert.Contains(t, text, "points = 4\nrequires = [\"add\"]\n", "sum keeps requires add, which is selected")
	// classroom-result takes the points from the exported manifest.
	reports := t.TempDir()
	writeFiles(t, reports, map[string]string{"linux.json": `{"exercises": [{"id": "counter", "passed": true}]}`})
	code, stdout, stderr := runApp(t, dir, "classroom-result", reports)
	require.Equal(t, 0, code, stderr)
	result, err := base64.StdEncoding.DecodeString(strings.TrimSpace(stdout))
	require.NoError(t, err)
	assert.Contains(t, string(result), `"max_score":16`, "5 + 4 + 7 points")
}

func TestExportBadSelectionsAndPointsAreOneLineAndExitTwo(t *testing.T) {
	root := copyFixture(t)
	dir := filepath.Join(t.TempDir(), "student")
	cases := map[string]struct {
		args []string
		want string
	}{
		"unknown id":        {[]string{"--only", "sun"}, "workbook: export --only: unknown exercise \"sun\"; did you mean sum?\n"},
		"unknown stage":     {[]string{"--only", "stage7"}, "workbook: export --only: stage 7 has no exercises (stages with exercises: 1, 2)\n"},
		"bare number":       {[]string{"--only", "2"}, "workbook: export --only: \"2\": write a stage as stage2\n"},
		"empty item":        {[]string{"--only", "add,,sum"}, "workbook: export --only: an empty name in the list; separate ids and stages with single commas, e.g. stage3,s04-spawn\n"},
		"empty list":        {[]string{"--only", ""}, "workbook: export --only: name at least one exercise or stage, e.g. --only stage3,s04-spawn\n"},
		"points no equals":  {[]string{"--points", "add"}, "workbook: export --points: \"add\": write ID=N or stageN=N, e.g. s03-parker=2,stage4=3\n"},
		"points zero":       {[]string{"--points", "add=0"}, "workbook: export --points: add=0: points must be a whole number of at least 1\n"},
		"points fraction":   {[]string{"--points", "add=1.5"}, "workbook: export --points: add=1.5: points must be a whole number of at least 1\n"},
		"points unknown id": {[]string{"--points", "ad=2"}, "workbook: export --points: unknown exercise \"ad\"; did you mean add?\n"},
		"points twice":      {[]string{"--points", "add=2,add=3"}, "workbook: export --points: add is given twice; keep one\n"},
		"points not chosen": {[]string{"--only", "sum", "--points", "add=2"}, "workbook: export --points: add is not in the assignment (it ships solved); add it to --only or leave it out of --points\n"},
		"stage not chosen":  {[]string{"--only", "sum", "--points", "stage1=2"}, "workbook: export --points: stage1 is not in the assignment (it ships solved); add it to --only or leave it out of --points\n"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runApp(t, root, append([]string{"export", dir}, c.args...)...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Equal(t, c.want, stderr)
			assert.NoDirExists(t, dir, "a refused export writes nothing")
		})
	}
}

func TestExportOnlyStillRefusesASelectedAnswerLeftInAnotherFile(t *testing.T) {
	p := loadFixture(t)
	// A test double that repeats Sum's answer gives it away when sum is
	// the assignment, and is harmless when sum ships solved.
	writeFiles(t, p.Root, map[string]string{"calc/double_test.go": "package calc\n\nfunc addDouble(xs ...int) int {\n\ttotal := 0\n\tfor _, x := range xs {\n\t\ttotal = Add(total, x)\n\t}\n\treturn total\n}\n"})
	p, err := loadProject(p.Root)
	require.NoError(t, err)
	parent := t.TempDir()
	err = exportEdition(p, filepath.Join(parent, "sum"), exportOptions{Only: []string{"sum"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "calc/double_test.go: contains the solution of exercise sum (Sum, calc/calc.go:14)")
	assert.NoDirExists(t, filepath.Join(parent, "sum"))

	require.NoError(t, exportEdition(p, filepath.Join(parent, "add"), exportOptions{Only: []string{"add"}}),
		"Sum ships solved in this export, so its answer in a test double gives nothing away")
}

// hiddenFixture is the fixture with a hidden test for add: adding large
// numbers, which an Add that only works for small ones fails.
func hiddenFixture(t *testing.T) *Project {
	t.Helper()
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{"calc/calc_hidden_test.go": "package calc\n\nimport \"testing\"\n\nfunc TestAddLargeNumbers(t *testing.T) {\n\tif got := Add(1000, 2000); got != 3000 {\n\t\tt.Errorf(\"Add(1000, 2000) = %d, want 3000\", got)\n\t}\n}\n"})
	replaceInFile(t, filepath.Join(root, "workbook", "exercises.toml"),
		`tests = ["calc:TestAddSmallNumbers", "calc:TestAddNegative"]`+"\n",
		`tests = ["calc:TestAddSmallNumbers", "calc:TestAddNegative"]`+"\nhidden = [\"calc:TestAddLargeNumbers\"]\n")
	p, err := loadProject(root)
	require.NoError(t, err)
	require.Equal(t, []string{"calc:TestAddLargeNumbers"}, p.Manifest.ByID("add").Hidden)
	return p
}

func TestHiddenTestsStayOutOfTheStudentEditionAndRunInTheGradingEdition(t *testing.T) {
	p := hiddenFixture(t)
	parent := t.TempDir()
	student, grading := filepath.Join(parent, "student"), filepath.Join(parent, "grading")
	require.NoError(t, exportStudentEdition(p, student))
	code, stdout, stderr := runApp(t, p.Root, "export", grading, "--grading")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Wrote the grading edition to "+grading)

	assert.NoFileExists(t, filepath.Join(student, "calc", "calc_hidden_test.go"))
	sm, stext := readExportedManifest(t, student)
	assert.NotContains(t, stext, "hidden =")
	assert.Empty(t, sm.ByID("add").Hidden)
	assert.Contains(t, string(mustRead(t, filepath.Join(student, "README.md"))), "Your teacher may grade with more tests")
	sp, err := loadProject(student)
	require.NoError(t, err)
	assert.False(t, sp.Grading)

	assert.FileExists(t, filepath.Join(grading, "calc", "calc_hidden_test.go"))
	gm, _ := readExportedManifest(t, grading)
	assert.Equal(t, []string{"calc:TestAddLargeNumbers"}, gm.ByID("add").Hidden)
	gp, err := loadProject(grading)
	require.NoError(t, err)
	assert.True(t, gp.Student && gp.Grading)
	assert.Contains(t, string(mustRead(t, filepath.Join(grading, "calc", "calc.go"))), notDoneMessage("add"), "the grading edition has the same holes")
	_, stdout, _ = runApp(t, grading, "list")
	assert.Contains(t, stdout, "This is a grading edition: check and grade run the hidden tests too")

	// An answer that passes the visible tests and fails the hidden one.
	replaceInFile(t, filepath.Join(grading, "calc", "calc.go"), "\tpanic("+`"`+notDoneMessage("add")+`"`+")\n", "\treturn (a + b) % 100\n")
	code, stdout, stderr = runApp(t, grading, "check", "add")
	assert.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout+stderr, "TestAddLargeNumbers")
	assert.Contains(t, stdout+stderr, "Add(1000, 2000) = 0, want 3000")

	// The same answer passes in the student edition, whose check knows
	// only the visible tests.
	replaceInFile(t, filepath.Join(student, "calc", "calc.go"), "\tpanic("+`"`+notDoneMessage("add")+`"`+")\n", "\treturn (a + b) % 100\n")
	code, stdout, stderr = runApp(t, student, "check", "add")
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
}

func TestEditManifestDropsAStagesHeadingOnlyWithItsLastEntry(t *testing.T) {
	text := `# Header: how this file works.

# ---- Stage 1 ----

[[exercise]]
id = "a"
stage = 1
title = "A"
concept = "a"
hints = ["h"]
tests = ["x:TestA"]
points = 1

[[exercise]]
id = "b"
stage = 1
title = "B"
concept = "b"
hints = [
  "h",
]
tests = ["x:TestB"]
points = 2
requires = ["a"]
hidden = [
  "x:TestBHidden",
]

# ---- Stage 2 ----

[[exercise]]
id = "c"
stage = 2
title = "C"
concept = "c"
hints = ["h"]
tests = ["x:TestC"]
points = 3
requires = ["a", "b"]
`
	ref, err := parseManifest(manifestPath, []byte(text))
	require.NoError(t, err)
	want := func(only []string, points map[string]int) *Manifest {
		pl, err := planEdition(ref, exportOptions{Only: only, Points: points})
		require.NoError(t, err)
		return pl.Manifest
	}

	got, err := editManifest([]byte(text), ref, want([]string{"b", "c"}, map[string]int{"c": 9}))
	require.NoError(t, err)
	assert.Equal(t, `# Header: how this file works.

# ---- Stage 1 ----

[[exercise]]
id = "b"
stage = 1
title = "B"
concept = "b"
hints = [
  "h",
]
tests = ["x:TestB"]
points = 2

# ---- Stage 2 ----

[[exercise]]
id = "c"
stage = 2
title = "C"
concept = "c"
hints = ["h"]
tests = ["x:TestC"]
points = 9
requires = ["b"]
`, string(got))

	got, err = editManifest([]byte(text), ref, want([]string{"c"}, nil))
	require.NoError(t, err)
	assert.Equal(t, `# Header: how this file works.

# ---- Stage 2 ----

[[exercise]]
id = "c"
stage = 2
title = "C"
concept = "c"
hints = ["h"]
tests = ["x:TestC"]
points = 3
`, string(got))

	// Everything selected: only the hidden key goes.
	got, err = editManifest([]byte(text), ref, want(nil, nil))
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(text, "hidden = [\n  \"x:TestBHidden\",\n]\n", "", 1), string(got))
}

func TestUnmarkSourceKeepsEveryOtherLine(t *testing.T) {
	src := "package x\n\n// F does f.\n//\n//workbook:exercise f\nfunc F() {}\n\n//workbook:exercise g\nfunc G() {}\n\n// H is kept.\n//\n//workbook:exercise h\nfunc H() {}\n"
	out, err := unmarkSource("x.go", []byte(src), func(id string) bool { return id != "h" })
	require.NoError(t, err)
	assert.Equal(t, "package x\n\n// F does f.\nfunc F() {}\n\nfunc G() {}\n\n// H is kept.\n//\n//workbook:exercise h\nfunc H() {}\n", string(out))
}

// An export of stage 03 alone from this repository: it builds and vets,
// its runner lists stage 03 only, stages 01 and 02 carry their reference
// bodies, stage 03's are holes, the hidden test stays behind, and it grades.
func TestTheRepositorysStage3ExportShipsStages1And2SolvedAndGrades(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and vets a whole export")
	}
	p, err := loadProject("..")
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "stage3")
	require.NoError(t, exportEdition(p, dir, exportOptions{Only: []string{"stage3"}}))

	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		out, err := runGo(t.Context(), dir, args...)
		require.NoError(t, err, "go %v in the export:\n%s", args, out)
	}
	code, stdout, stderr := runApp(t, dir, "list", "--json")
	require.Equal(t, 0, code, stderr)
	var entries []listEntry
	require.NoError(t, json.Unmarshal([]byte(stdout), &entries))
	var listed, want []string
	for _, e := range entries {
		listed = append(listed, e.ID)
	}
	for _, e := range p.Manifest.Exercises {
		if e.Stage == 3 {
			want = append(want, e.ID)
		}
	}
	assert.Equal(t, want, listed)

	checked := 0
	for _, mk := range p.Markers {
		e := p.Manifest.ByID(mk.ID)
		src := string(mustRead(t, filepath.Join(dir, filepath.FromSlash(mk.File))))
		switch {
		case e.Stage == 3:
			assert.Contains(t, src, notDoneMessage(mk.ID), "%s in %s must be a hole", mk.Func, mk.File)
		case e.Stage < 3:
			stage, _ := stageOfFile(mk.File)
			if stage > 2 {
				continue // a stage 03 copy of a stage 01 exercise: solved too, checked below
			}
			body, ok := exportedBody(t, dir, mk)
			require.True(t, ok, "%s in %s is gone", mk.Func, mk.File)
			assert.Equal(t, canonicalBody(mk.Body), canonicalBody(body), "%s in %s must keep its reference body", mk.Func, mk.File)
			assert.NotContains(t, src, markerPrefix+" "+mk.ID)
			checked++
		}
	}
	assert.Greater(t, checked, 10, "stages 01 and 02 hold many exercises")
	for _, l := range p.Copies {
		if p.Manifest.ByID(l.Copy.ID).Stage < 3 {
			if stage, _ := stageOfFile(l.Copy.File); stage == 3 {
				body, ok := exportedBody(t, dir, l.Copy)
				require.True(t, ok)
				assert.Equal(t, canonicalBody(l.Copy.Body), canonicalBody(body), "the stage 03 copy %s in %s ships solved", l.Copy.Func, l.Copy.File)
			}
		}
	}

	m, text := readExportedManifest(t, dir)
	assert.Empty(t, m.ByID("s03-http-poll").Requires, "its requires named s01-socket-io, which ships solved")
	assert.NotContains(t, text, "hidden =")
	assert.NotContains(t, text, "---- Stage 01")
	assert.Contains(t, text, "---- Stage 03")
	for _, e := range p.Manifest.Exercises {
		for _, h := range e.Hidden {
			ref, err := parseTestRef(h)
			require.NoError(t, err)
			entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(ref.Dir)))
			require.NoError(t, err)
			for _, en := range entries {
				assert.False(t, strings.HasSuffix(en.Name(), hiddenTestSuffix), "%s/%s is a hidden test", ref.Dir, en.Name())
			}
		}
	}

	// It grades: the reference's own bodies, spliced into the export as a
	// submission, earn every point of stage 03 and nothing else is graded.
	ref, err := filepath.Abs("..")
	require.NoError(t, err)
	code, stdout, stderr = runApp(t, dir, "grade", "--submission", ref, "--format", "json")
	require.Equal(t, 0, code, stderr)
	var report jsonReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &report))
	total := 0
	for _, e := range p.Manifest.Exercises {
		if e.Stage == 3 {
			total += e.Points
		}
	}
	assert.Equal(t, total, report.MaxScore)
	assert.Equal(t, total, report.Score, "the reference bodies pass every stage 03 exercise:\n%s", stdout)
	assert.Len(t, report.Exercises, len(want))
}

// exportedBody finds the body of the function mk marks, by file and name,
// in an export where it may no longer be marked.
func exportedBody(t *testing.T, dir string, mk *Marker) (string, bool) {
	t.Helper()
	src := mustRead(t, filepath.Join(dir, filepath.FromSlash(mk.File)))
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, mk.File, src, parser.SkipObjectResolution)
	require.NoError(t, err)
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Body != nil && funcName(fn) == mk.Func {
			return string(src[fset.Position(fn.Body.Lbrace).Offset+1 : fset.Position(fn.Body.Rbrace).Offset]), true
		}
	}
	return "", false
}
