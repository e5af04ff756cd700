//go:build linux

package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadIntFileReadsCgroupMaxAsUnlimited(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := dir + "/" + name
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return path
	}
	n, err := readIntFile(write("max", "max\n"))
	require.NoError(t, err)
	assert.EqualValues(t, int64(1<<63-1), n)
	n, err = readIntFile(write("num", "4096\n"))
	require.NoError(t, err)
	assert.EqualValues(t, 4096, n)
	_, err = readIntFile(write("bad", "lots\n"))
	assert.Error(t, err)
}
