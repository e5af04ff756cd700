//go:build linux || darwin || freebsd

// csvfile_test.go checks the CSV files: their columns, their values, and
// empty cells where nothing was measured.

package main

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunsCSVHasOneRowPerRunAndLeavesUnmeasuredCellsEmpty(t *testing.T) {
	refused := Run{Job: Job{Approach: "threads", Requests: 10000, Round: 1}, Executors: 2, Delay: time.Second,
		Status: StatusError, ServerMeasured: true, Error: `Go's thread limit, "quoted", and, commas`}
	runs := []Run{measuredRun("goroutines", 100, 1, 1019, 31, 9148, 6), refused}

	var buf bytes.Buffer
	require.NoError(t, WriteRunsCSV(&buf, runs))

	rows := readCSV(t, buf.Bytes())
	require.Len(t, rows, 3)
	assert.Equal(t, runsHeader, rows[0])
	assert.Equal(t, []string{"goroutines", "100", "2", "1000", "1", "ok", "1019", "31", "9148", "6", "100", "0", "20", ""}, rows[1])
	assert.Equal(t, []string{"threads", "10000", "2", "1000", "1", "error", "", "", "", "", "", "", "0", `Go's thread limit, "quoted", and, commas`}, rows[2],
		"a refused run has no figures: empty cells, not zeros that would read as a fast run")
}

func TestMediansCSVWritesHalfValuesExactly(t *testing.T) {
	runs := []Run{
		measuredRun("stage06_production", 100, 1, 1000, 10, 9000, 8),
		measuredRun("stage06_production", 100, 2, 1001, 11, 9001, 9),
	}

	var buf bytes.Buffer
	require.NoError(t, WriteMediansCSV(&buf, Aggregate(runs)))

	rows := readCSV(t, buf.Bytes())
	require.Len(t, rows, 2)
	assert.Equal(t, mediansHeader, rows[0])
	assert.Equal(t, []string{"stage06_production", "100", "2", "1000", "2", "2", "0", "1000.5", "10.5", "9000.5", "8.5", "100", "0", "20", ""}, rows[1])
}

func TestWriteCSVFileCreatesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.csv")

	err := writeCSVFile(path, func(w io.Writer) error { return WriteRunsCSV(w, nil) })

	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, [][]string{runsHeader}, readCSV(t, data), "no runs: the header alone")
}

func TestWriteCSVFileNamesThePathItCannotCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "runs.csv")

	err := writeCSVFile(path, func(w io.Writer) error { return WriteRunsCSV(w, nil) })

	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err, "the file must be valid CSV:\n%s", data)
	return rows
}
