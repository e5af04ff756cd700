package main

import (
	"bytes"
	"context"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fixture's two carrying stages: exercises echo and twice live in
// stage02_echo (their home) and stage03_echo repeats both functions.
const (
	echoHome = `// Package echo holds exercises that a later stage carries forward.
package echo

import "strings"

// Echo repeats s n times, separated by spaces.
//
//workbook:exercise echo
func Echo(s string, n int) string {
	return strings.TrimSpace(strings.Repeat(s+" ", n))
}
`
	twiceHome = `package echo

// Twice doubles x.
//
//workbook:exercise twice
func Twice(x int) int {
	return x + x
}
`
	// stage03's echo.go keeps a function of its own that uses strings.
	echoCopy = `// Package echo is the later stage that repeats Echo.
package echo

import "strings"

// Echo repeats s n times, separated by spaces.
//
//workbook:exercise echo
func Echo(s string, n int) string {
	return strings.TrimSpace(strings.Repeat(s+" ", n))
}

// Loud shouts s.
func Loud(s string) string { return strings.ToUpper(s) }
`
	echoTest = `package echo

import "testing"

func TestEchoRepeats(t *testing.T) {
	if got := Echo("hi", 3); got != "hi hi hi" {
		t.Errorf("Echo(hi, 3) = %q, want %q", got, "hi hi hi")
	}
}

func TestTwiceDoubles(t *testing.T) {
	if got := Twice(4); got != 8 {
		t.Errorf("Twice(4) = %d, want 8", got)
	}
}
`
	echoEntries = `
[[exercise]]
id = "echo"
stage = 2
title = "Echo a word"
concept = "Carried bodies are written once."
hints = ["strings.Repeat repeats."]
tests = ["stage02_echo:TestEchoRepeats"]
points = 1

[[exercise]]
id = "twice"
stage = 2
title = "Double a number"
concept = "Carried bodies are written once."
hints = ["x + x"]
tests = ["stage02_echo:TestTwiceDoubles"]
points = 1
`
)

// carryFixture copies the fixture and adds two stages: stage02_echo, the
// home of exercises echo and twice, and stage03_echo, which repeats them.
func carryFixture(t *testing.T) string {
	t.Helper()
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{
		"stage02_echo/echo.go":      echoHome,
		"stage02_echo/twice.go":     twiceHome,
		"stage02_echo/echo_test.go": echoTest,
		"stage03_echo/echo.go":      echoCopy,
		"stage03_echo/twice.go":     twiceHome,
		"stage03_echo/echo_test.go": echoTest,
	})
	manifest := filepath.Join(root, filepath.FromSlash(manifestPath))
	data := mustRead(t, manifest)
	require.NoError(t, os.WriteFile(manifest, append(data, echoEntries...), 0o644))
	return root
}

// carryIn runs carry on the files under root.
func carryIn(t *testing.T, root string) *carryResult {
	t.Helper()
	m, err := readManifest(root)
	require.NoError(t, err)
	files, err := listProjectFiles(root)
	require.NoError(t, err)
	res, err := carry(root, m, files)
	require.NoError(t, err)
	return res
}

// printed is what carry would print for res.
func printed(res *carryResult) string {
	var b bytes.Buffer
	res.print(&b)
	return b.String()
}

func TestCarryFillsCopiesWithTheLearnersHomeBody(t *testing.T) {
	root := carryFixture(t)
	home := filepath.Join(root, "stage02_echo", "twice.go")
	replaceInFile(t, home, "return x + x", "return 2 * x // mine")
	homeBefore := mustRead(t, home)

	res := carryIn(t, root)

	assert.Equal(t, "carried twice from stage02_echo/twice.go into stage03_echo/twice.go\n", printed(res))
	assert.Contains(t, string(mustRead(t, filepath.Join(root, "stage03_echo", "twice.go"))), "return 2 * x // mine")
	assert.Equal(t, string(homeBefore), string(mustRead(t, home)), "carry must never change a home body")
	assert.Equal(t, echoCopy, string(mustRead(t, filepath.Join(root, "stage03_echo", "echo.go"))), "an exercise whose copy already matches is left alone")
}

func TestCarryAddsAndDropsImportsForTheCarriedBody(t *testing.T) {
	root := carryFixture(t)
	home := filepath.Join(root, "stage02_echo", "echo.go")
	replaceInFile(t, home, `import "strings"`, `import "fmt"`)
	replaceInFile(t, home, `return strings.TrimSpace(strings.Repeat(s+" ", n))`, `return fmt.Sprint(s, n)`)
	twice := filepath.Join(root, "stage02_echo", "twice.go")
	replaceInFile(t, twice, "package echo\n", "package echo\n\nimport \"strconv\"\n")
	replaceInFile(t, twice, "return x + x", "n, _ := strconv.Atoi(strconv.Itoa(x))\n\treturn n + n")
	// A blank import is there for its side effects: carry keeps it.
	replaceInFile(t, filepath.Join(root, "stage03_echo", "twice.go"), "package echo\n", "package echo\n\nimport _ \"embed\"\n")

	res := carryIn(t, root)
	require.Len(t, res.Filled, 2, printed(res))

	echo := mustRead(t, filepath.Join(root, "stage03_echo", "echo.go"))
	assert.Contains(t, string(echo), `"fmt"`, "the carried body uses fmt")
	assert.Contains(t, string(echo), `"strings"`, "Loud still uses strings")
	copied := mustRead(t, filepath.Join(root, "stage03_echo", "twice.go"))
	assert.Contains(t, string(copied), `"strconv"`)
	assert.Contains(t, string(copied), `_ "embed"`, "a blank import must stay")
	for name, src := range map[string][]byte{"echo.go": echo, "twice.go": copied} {
		formatted, err := format.Source(src)
		require.NoError(t, err, name)
		assert.Equal(t, string(formatted), string(src), "%s is not gofmt-ed", name)
	}
	out, err := runGo(context.Background(), root, "vet", "./stage03_echo")
	assert.NoError(t, err, "the carried stage does not build:\n%s", out)

	// The learner takes strconv out again: the copy drops the import.
	replaceInFile(t, twice, "n, _ := strconv.Atoi(strconv.Itoa(x))\n\treturn n + n", "return x * 2")
	carryIn(t, root)
	again := string(mustRead(t, filepath.Join(root, "stage03_echo", "twice.go")))
	assert.NotContains(t, again, "strconv")
	assert.Contains(t, again, `_ "embed"`, "a blank import must stay")
}

func TestCarryIsIdempotentAndSilentWhenNothingChanges(t *testing.T) {
	root := carryFixture(t)
	assert.Empty(t, printed(carryIn(t, root)), "the copies equal their homes from the start")

	replaceInFile(t, filepath.Join(root, "stage02_echo", "twice.go"), "return x + x", "return x << 1")
	require.NotEmpty(t, carryIn(t, root).Filled)
	after := mustRead(t, filepath.Join(root, "stage03_echo", "twice.go"))
	info, err := os.Stat(filepath.Join(root, "stage03_echo", "twice.go"))
	require.NoError(t, err)

	assert.Empty(t, printed(carryIn(t, root)), "a second carry has nothing to do")
	assert.Equal(t, string(after), string(mustRead(t, filepath.Join(root, "stage03_echo", "twice.go"))))
	again, err := os.Stat(filepath.Join(root, "stage03_echo", "twice.go"))
	require.NoError(t, err)
	assert.Equal(t, info.ModTime(), again.ModTime(), "an unchanged file is not rewritten")
	entries, err := os.ReadDir(filepath.Join(root, "stage03_echo"))
	require.NoError(t, err)
	for _, en := range entries {
		assert.False(t, strings.HasPrefix(en.Name(), "."), "temporary file %s left behind", en.Name())
	}
}

func TestCarrySkipsAHomeFileThatDoesNotParseAndCarriesTheRest(t *testing.T) {
	root := carryFixture(t)
	replaceInFile(t, filepath.Join(root, "stage02_echo", "echo.go"), "return strings", "return (strings")
	replaceInFile(t, filepath.Join(root, "stage02_echo", "twice.go"), "return x + x", "return x * 2")

	res := carryIn(t, root)

	require.Len(t, res.Skipped, 1)
	assert.Regexp(t, `^carry skipped stage02_echo/echo\.go:10: .+ \(not carried until it parses: echo\)$`, res.Skipped[0])
	assert.Equal(t, echoCopy, string(mustRead(t, filepath.Join(root, "stage03_echo", "echo.go"))))
	assert.Contains(t, string(mustRead(t, filepath.Join(root, "stage03_echo", "twice.go"))), "return x * 2", "twice is carried all the same")
}

func TestReferenceCopyThatDiffersFromItsHomeIsReportedWithFileAndLine(t *testing.T) {
	root := carryFixture(t)
	replaceInFile(t, filepath.Join(root, "stage03_echo", "twice.go"), "return x + x", "return x * 2")

	code, _, stderr := runApp(t, root, "list")

	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "stage03_echo/twice.go:5: Twice is marked twice but differs from its home in stage02_echo/twice.go; give the change an exercise of its own")
}

func TestCopyWithoutAHomeFunctionIsReported(t *testing.T) {
	root := carryFixture(t)
	writeFiles(t, root, map[string]string{
		"stage03_echo/thrice.go": "package echo\n\n// Thrice triples x.\n//\n//workbook:exercise twice\nfunc Thrice(x int) int {\n\treturn 3 * x\n}\n",
	})

	code, _, stderr := runApp(t, root, "list")

	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "stage03_echo/thrice.go:5: Thrice is marked twice, but stage 2 marks no Thrice with twice to carry it from; give this body an exercise of its own")
}

func TestExportMakesCopiesHolesThatSayWhereToWrite(t *testing.T) {
	p, err := loadProject(carryFixture(t))
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))

	copied := string(mustRead(t, filepath.Join(dir, "stage03_echo", "twice.go")))
	assert.Contains(t, copied, notDoneMessage("twice"))
	assert.Contains(t, copied, "// The body is carried from stage02_echo/twice.go by `go run ./workbook carry`: write it there.\n//\n//workbook:exercise twice\n")
	assert.NotContains(t, string(mustRead(t, filepath.Join(dir, "stage02_echo", "twice.go"))), "carried from", "a home is written by the learner")
	out, err := runGo(context.Background(), dir, "vet", "./...")
	assert.NoError(t, err, "the export does not vet:\n%s", out)
}

func TestCheckCarriesTheHomeBodyBeforeTesting(t *testing.T) {
	p, err := loadProject(carryFixture(t))
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	// The learner writes twice in its home stage only.
	replaceInFile(t, filepath.Join(dir, "stage02_echo", "twice.go"), `panic("`+notDoneMessage("twice")+`")`, "return x + x")

	code, stdout, _ := runApp(t, dir, "check", "twice")

	assert.Equal(t, 0, code, stdout)
	assert.Contains(t, stdout, "carried twice from stage02_echo/twice.go into stage03_echo/twice.go\n")
	assert.Contains(t, stdout, "✓ twice")
	assert.Contains(t, string(mustRead(t, filepath.Join(dir, "stage03_echo", "twice.go"))), "return x + x")

	code, stdout, _ = runApp(t, dir, "check", "twice")
	assert.Equal(t, 0, code, stdout)
	assert.NotContains(t, stdout, "carried", "nothing left to carry")
}

func TestCheckPointsTheLearnerAtTheHomeNotAtCopies(t *testing.T) {
	p, err := loadProject(carryFixture(t))
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))

	code, stdout, _ := runApp(t, dir, "check", "echo")

	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "Replace the panic in Echo in stage02_echo/echo.go with your own code.")
}

func TestVerifyRestoresHomesAndTheirCopiesAndCarryAgrees(t *testing.T) {
	p, err := loadProject(carryFixture(t))
	require.NoError(t, err)
	var out bytes.Buffer

	probs, err := verify(context.Background(), p, verifyOptions{Jobs: 2}, &out)

	require.NoError(t, err, out.String())
	assert.Empty(t, probs, out.String())
	assert.Contains(t, out.String(), "restore twice: ok: 1 must pass, 6 must fail")
	assert.Contains(t, out.String(), "verify: OK")
}

func TestReferenceCopyWithAnotherSignatureIsReported(t *testing.T) {
	root := carryFixture(t)
	copied := filepath.Join(root, "stage03_echo", "twice.go")
	replaceInFile(t, copied, "func Twice(x int) int {\n\treturn x + x", "func Twice(y int) int {\n\treturn y + y")

	code, _, stderr := runApp(t, root, "list")

	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "stage03_echo/twice.go:5: Twice is marked twice but its signature differs from its home in stage02_echo/twice.go (func(x int) int); carry could not fill it, so give it an exercise of its own")
}

func TestAStudentsBrokenHomeDoesNotBlockTheOtherCommands(t *testing.T) {
	p, err := loadProject(carryFixture(t))
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "student")
	require.NoError(t, exportStudentEdition(p, dir))
	// The learner deletes the marker of twice's home by mistake.
	replaceInFile(t, filepath.Join(dir, "stage02_echo", "twice.go"), "//workbook:exercise twice\n", "")

	code, stdout, stderr := runApp(t, dir, "list")

	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "twice")
	assert.Empty(t, printed(carryIn(t, dir)), "a copy without a home is left as it is")
}
