// The catalogue of wrong answers quotes the answers it breaks, so it must
// never reach the student edition.

package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportLeavesOutTheWrongAnswerCatalogue(t *testing.T) {
	p := loadFixture(t)
	writeFiles(t, p.Root, map[string]string{
		"workbook/wrong/add.txt":   "== adds one too many\nin calc/calc.go Add\n- return a + b\n+ return a + b + 1\n",
		"workbook/wrongly_kept.md": "not the catalogue\n",
	})
	p, err := loadProject(p.Root)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "student")

	require.NoError(t, exportStudentEdition(p, dir))

	assert.NoFileExists(t, filepath.Join(dir, "workbook", "wrong", "add.txt"), "an entry of the catalogue quotes the answer's lines")
	assert.NoDirExists(t, filepath.Join(dir, "workbook", "wrong"))
	assert.FileExists(t, filepath.Join(dir, "workbook", "wrongly_kept.md"), "only the catalogue's folder is left out")
}
