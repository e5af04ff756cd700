package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stagesModule writes a module with two stage folders.
func stagesModule(t *testing.T) string {
	root := copyFixture(t)
	writeFiles(t, root, map[string]string{
		"stage01_future/main.go":       "package main\n\nfunc main() {\n\tpoll()\n}\n",
		"stage01_future/README.md":     "# Stage 1\n",
		"stage01_future/main_test.go":  "package main\n// old test\n",
		"stage01_future/old.go":        "package main\n\nfunc poll() {}\n",
		"stage02_reactor/main.go":      "package main\n\nfunc main() {\n\twait()\n}\n",
		"stage02_reactor/README.md":    "# Stage 1\n",
		"stage02_reactor/main_test.go": "package main\n// new test\n",
		"stage02_reactor/reactor.go":   "package main\n\nfunc wait() {}\n",
	})
	return root
}

func TestDiffShowsWhatChangedBetweenStagesWithoutTests(t *testing.T) {
	root := stagesModule(t)
	for _, args := range [][]string{{"diff", "1", "2"}, {"diff", "stage01", "stage02_reactor"}} {
		code, stdout, stderr := runApp(t, root, args...)
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "--- stage01_future/main.go\n+++ stage02_reactor/main.go\n")
		assert.Contains(t, stdout, "-\tpoll()\n+\twait()\n")
		assert.Contains(t, stdout, "--- stage01_future/old.go\n+++ /dev/null\n")
		assert.Contains(t, stdout, "--- /dev/null\n+++ stage02_reactor/reactor.go\n")
		assert.NotContains(t, stdout, "README.md", "identical files are not shown")
		assert.NotContains(t, stdout, "test", "tests are left out")
	}
	code, stdout, _ := runApp(t, root, "diff", "2", "2")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "No differences")
}

func TestDiffRejectsAnUnknownStage(t *testing.T) {
	code, _, stderr := runApp(t, stagesModule(t), "diff", "1", "stage9")
	assert.Equal(t, 2, code)
	assert.Equal(t, "workbook: diff: unknown stage \"stage9\" (stages: stage01_future, stage02_reactor)\n", stderr)
}

func TestDiffLeavesOutCorofysSideFiles(t *testing.T) {
	for name, want := range map[string]bool{
		"README.md":              true,
		"request.go":             true,
		"request_test.go":        false,
		"request_source.go":      false,
		"request_corofied.go":    false,
		"notes.txt":              false,
		"resource.go":            true, // ends in "source.go" but not "_source.go"
		"async_main_corofied.go": false,
	} {
		assert.Equal(t, want, diffable(name), "diffable(%q)", name)
	}
}
