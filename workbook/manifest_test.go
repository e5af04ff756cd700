package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseManifestRemembersLines(t *testing.T) {
	m, err := parseManifest("ex.toml", []byte(`# comment

[[exercise]]
id = "a"
stage = 1
title = "A"
concept = "c"
hints = ["h"]
tests = ["p:TestA"]
points = 1

[[exercise]]
id = "b"
stage = 1
title = "B"
concept = "c"
hints = [
  "h1",
  "h2",
]
tests = ["p:TestB"]
points = 2
requires = ["a"]
`))
	require.NoError(t, err)
	require.Len(t, m.Exercises, 2)
	assert.Equal(t, 3, m.Exercises[0].Line)
	assert.Equal(t, 12, m.Exercises[1].Line)
	assert.Equal(t, 17, m.Exercises[1].keyLine("hints"))
	assert.Equal(t, 23, m.Exercises[1].keyLine("requires"))
	assert.Equal(t, 12, m.Exercises[1].keyLine("missing"), "a missing key points at its entry")
	assert.Equal(t, []string{"a"}, m.Exercises[1].Requires)
	assert.Equal(t, []TestRef{{Dir: "p", Name: "TestB"}}, m.Exercises[1].TestRefs())
}

func TestParseManifestRejectsSyntaxAndUnknownKeys(t *testing.T) {
	_, err := parseManifest("ex.toml", []byte("[[exercise]]\nid = \"a\"\nstage = \n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ex.toml:3:")

	_, err = parseManifest("ex.toml", []byte("[[exercise]]\nid = \"a\"\nhint = [\"x\"]\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ex.toml:3: unknown key")
	assert.Contains(t, err.Error(), "hint")
}

func TestTheRepositoryManifestIsValidAndEmpty(t *testing.T) {
	m, err := parseManifest(manifestPath, mustRead(t, "exercises.toml"))
	require.NoError(t, err)
	// The lead fills it in as the stages gain markers; until then the
	// repository's own runner must accept it.
	assert.NotNil(t, m)
}

// manifestModule writes a small module whose calc package has the exercises
// "first" and "second" marked and tested, plus the given manifest.
func manifestModule(t *testing.T, manifest string) string {
	t.Helper()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.26.0\n",
		"calc/calc.go": `package calc

// First.
//
//workbook:exercise first
func First() int { return 1 }

// Second.
//
//workbook:exercise second
func Second() int { return 2 }
`,
		"calc/calc_test.go": `package calc

import "testing"

func TestFirst(t *testing.T)  { _ = First() }
func TestSecond(t *testing.T) { _ = Second() }
func helper(t *testing.T)     {}
`,
		"calc/calc_hidden_test.go": `package calc

import "testing"

func TestFirstKept(t *testing.T) { _ = First() }
`,
		manifestPath: manifest,
	})
	return root
}

// entry writes one manifest entry; extra lines replace or add keys.
func entry(id string, extra ...string) string {
	keys := map[string]string{
		"id": `"` + id + `"`, "stage": "1", "title": `"T"`, "concept": `"C"`,
		"hints": `["h"]`, "tests": `["calc:Test` + strings.ToUpper(id[:1]) + id[1:] + `"]`, "points": "1",
	}
	order := []string{"id", "stage", "title", "concept", "hints", "tests", "points"}
	for _, e := range extra {
		k, v, _ := strings.Cut(e, " = ")
		if _, ok := keys[k]; !ok {
			order = append(order, k)
		}
		keys[k] = v
	}
	var b strings.Builder
	b.WriteString("\n[[exercise]]\n")
	for _, k := range order {
		b.WriteString(k + " = " + keys[k] + "\n")
	}
	return b.String()
}

func TestValidManifestLoads(t *testing.T) {
	root := manifestModule(t, entry("first", `hidden = ["calc:TestFirstKept"]`)+entry("second", `requires = ["first"]`))
	p, err := loadProject(root)
	require.NoError(t, err)
	assert.Equal(t, []string{"first", "second"}, p.Manifest.IDs())
	assert.Len(t, p.MarkersOf("second"), 1)
	first := p.Manifest.ByID("first")
	assert.Equal(t, []TestRef{{"calc", "TestFirst"}, {"calc", "TestFirstKept"}}, first.TestRefs(), "hidden tests run after the others")
	assert.True(t, first.IsHidden(TestRef{"calc", "TestFirstKept"}))
	assert.False(t, first.IsHidden(TestRef{"calc", "TestFirst"}))
}

func TestManifestMistakesAreReportedWithFileAndLine(t *testing.T) {
	cases := map[string]struct {
		manifest string
		want     string
	}{
		"marker without entry": {
			manifest: entry("first"),
			want:     `calc/calc.go:10: marker "second" on Second has no entry in workbook/exercises.toml`,
		},
		"entry without marker": {
			manifest: entry("first") + entry("second") + entry("third", `tests = ["calc:TestFirst"]`),
			want:     `workbook/exercises.toml:21: exercise "third" has no marker`,
		},
		"test that does not exist": {
			manifest: entry("first", `tests = ["calc:TestNope"]`) + entry("second"),
			want:     `workbook/exercises.toml:8: exercise "first": test calc:TestNope does not exist`,
		},
		"helper is not a test": {
			manifest: entry("first", `tests = ["calc:helper"]`) + entry("second"),
			want:     `workbook/exercises.toml:8: exercise "first": test "calc:helper": "helper" is not a test function name`,
		},
		"test folder without tests": {
			manifest: entry("first", `tests = ["nowhere:TestFirst"]`) + entry("second"),
			want:     `workbook/exercises.toml:8: exercise "first": test nowhere:TestFirst: folder nowhere has no _test.go files`,
		},
		"malformed test": {
			manifest: entry("first", `tests = ["TestFirst"]`) + entry("second"),
			want:     `workbook/exercises.toml:8: exercise "first": test "TestFirst" must be written as "pkgdir:TestName"`,
		},
		"duplicate id": {
			manifest: entry("first") + entry("second") + entry("first"),
			want:     `workbook/exercises.toml:21: duplicate exercise id "first" (first at line 3)`,
		},
		"unknown requires": {
			manifest: entry("first") + entry("second", `requires = ["frist"]`),
			want:     `workbook/exercises.toml:19: exercise "second" requires unknown exercise "frist"; did you mean first?`,
		},
		"requires a later exercise": {
			manifest: entry("first", `requires = ["second"]`) + entry("second"),
			want:     `workbook/exercises.toml:10: exercise "first" requires "second", which comes later in the file`,
		},
		"no hints": {
			manifest: entry("first", `hints = []`) + entry("second"),
			want:     `workbook/exercises.toml:7: exercise "first" has 0 hints; give 1 to 3`,
		},
		"four hints": {
			manifest: entry("first", `hints = ["a", "b", "c", "d"]`) + entry("second"),
			want:     `workbook/exercises.toml:7: exercise "first" has 4 hints; give 1 to 3`,
		},
		"stage goes backwards": {
			manifest: entry("first", `stage = 2`) + entry("second"),
			want:     `workbook/exercises.toml:13: exercise "second": stage 1 comes after stage 2`,
		},
		"zero points": {
			manifest: entry("first", `points = 0`) + entry("second"),
			want:     `workbook/exercises.toml:9: exercise "first": points must be at least 1`,
		},
		"hidden test in a file the student edition keeps": {
			manifest: entry("first", `hidden = ["calc:TestSecond"]`) + entry("second"),
			want:     `workbook/exercises.toml:10: exercise "first": hidden test calc:TestSecond is in calc_test.go, which the student edition keeps; move it to a file named *_hidden_test.go`,
		},
		"test in a file of hidden tests": {
			manifest: entry("first", `tests = ["calc:TestFirstKept"]`) + entry("second"),
			want:     `workbook/exercises.toml:8: exercise "first": test calc:TestFirstKept is in calc_hidden_test.go, a file of hidden tests; list it under hidden`,
		},
		"hidden test that does not exist": {
			manifest: entry("first", `hidden = ["calc:TestGone"]`) + entry("second"),
			want:     `workbook/exercises.toml:10: exercise "first": test calc:TestGone does not exist`,
		},
		"test listed twice": {
			manifest: entry("first", `tests = ["calc:TestFirst"]`, `hidden = ["calc:TestFirst"]`) + entry("second"),
			want:     `exercise "first" lists calc:TestFirst under both tests and hidden`,
		},
		"bad id": {
			manifest: entry("first") + entry("second") + entry("Third"),
			want:     `workbook/exercises.toml:21: exercise id "Third" must be lower-case`,
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := loadProject(manifestModule(t, c.manifest))
			require.Error(t, err, "the mistake went unnoticed")
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
