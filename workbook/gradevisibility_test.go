package main

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addHiddenTest gives the fixture's add exercise a hidden test.
func addHiddenTest(t *testing.T, root string) {
	t.Helper()
	writeFiles(t, root, map[string]string{
		"calc/calc_hidden_test.go": "package calc\n\nimport \"testing\"\n\nfunc TestAddLargeNumbers(t *testing.T) {\n\tif got := Add(1<<40, 1<<40); got != 1<<41 {\n\t\tt.Errorf(\"Add(2^40, 2^40) = %d, want 2^41\", got)\n\t}\n}\n",
	})
	replaceInFile(t, filepath.Join(root, "workbook/exercises.toml"),
		`tests = ["calc:TestAddSmallNumbers", "calc:TestAddNegative"]`,
		"tests = [\"calc:TestAddSmallNumbers\", \"calc:TestAddNegative\"]\nhidden = [\"calc:TestAddLargeNumbers\"]")
}

func TestGradescopeShowsTheDetailsOfHiddenTestsWhenTheTeacherChose(t *testing.T) {
	root := copyFixture(t)
	addHiddenTest(t, root)
	p, err := loadProject(root)
	require.NoError(t, err)
	r, err := grade(context.Background(), p, io.Discard)
	require.NoError(t, err)
	for _, v := range gradescopeVisibilities {
		r.HiddenVisibility = v
		out, err := gradeGradescope(r)
		require.NoError(t, err)
		var got struct {
			Tests []struct {
				Name       string `json:"name"`
				Visibility string `json:"visibility"`
			} `json:"tests"`
		}
		require.NoError(t, json.Unmarshal(out, &got))
		require.Len(t, got.Tests, 5, "one entry per exercise, and one for add's hidden tests")
		assert.Equal(t, "add: tests kept for grading", got.Tests[1].Name)
		assert.Equal(t, v, got.Tests[1].Visibility, "the details of add's hidden tests")
		for i, other := range got.Tests {
			if i != 1 {
				assert.Equal(t, "visible", other.Visibility, other.Name)
			}
		}
	}
}
