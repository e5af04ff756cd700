package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// drainBody is a reference body long enough to be worth protecting.
const drainBody = `
	var buf [4096]byte
	for {
		n, err := read(fd, buf[:])
		switch {
		case err == errAgain:
			return false, nil
		case err != nil:
			return false, fmt.Errorf("read: %w", err)
		case n == 0:
			return true, nil
		}
		received = append(received, buf[:n]...)
	}
`

func drainMarker() *Marker {
	return &Marker{ID: "s01-drain", File: "stage01/drain.go", Line: 3, Func: "drain", Body: drainBody}
}

func TestGoTokensIgnoreCommentsAndLayout(t *testing.T) {
	a := goTokens("x := f(a, b) // call f\nreturn x")
	b := goTokens("x := f(a,\n\tb)\n/* the result */ return x")
	assert.Equal(t, a, b)
	assert.Equal(t, []string{"x", ":=", "f", "(", "a", ",", "b", ")", "return", "x"}, a)
}

func TestFindNearCopiesFlagsABodyWithOneLineChanged(t *testing.T) {
	dir := t.TempDir()
	changed := `package later

func drainLater(fd int) (bool, error) {
	var buf [4096]byte
	for {
		n, err := read(fd, buf[:])
		switch {
		case err == errAgain:
			return false, nil
		case err != nil:
			return false, fmt.Errorf("read the answer: %w", err)
		case n == 0:
			return true, nil
		}
		received = append(received, buf[:n]...)
	}
}
`
	writeFiles(t, dir, map[string]string{"later/drain.go": changed})

	found, err := findNearCopies(dir, []*Marker{drainMarker()})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Contains(t, found[0], filepath.ToSlash("later/drain.go")+":3: drainLater is ")
	assert.Contains(t, found[0], "the solution of exercise s01-drain (drain, stage01/drain.go:3)")
}

func TestFindNearCopiesLeavesAFunctionOfTheSameShapeAlone(t *testing.T) {
	dir := t.TempDir()
	// The same loop-over-a-switch shape, doing something else.
	other := `package later

func writeAll(fd int, data []byte) error {
	for len(data) > 0 {
		n, err := write(fd, data)
		switch {
		case err == errInterrupted:
			continue
		case err != nil:
			return fmt.Errorf("write the job: %w", err)
		}
		data = data[n:]
	}
	return nil
}
`
	writeFiles(t, dir, map[string]string{"later/write.go": other})

	found, err := findNearCopies(dir, []*Marker{drainMarker()})
	require.NoError(t, err)
	assert.Empty(t, found)
}

func TestFindNearCopiesIgnoresShortBodiesAndBlankedExercises(t *testing.T) {
	dir := t.TempDir()
	src := `package later

func drain(fd int) (bool, error) {
	panic("exercise s01-drain: not done yet")
}

func short() error { return r.err() }
`
	writeFiles(t, dir, map[string]string{"later/drain.go": src})
	short := &Marker{ID: "s02-short", File: "s02/x.go", Line: 1, Func: "x", Body: "return r.err()"}

	found, err := findNearCopies(dir, []*Marker{drainMarker(), short})
	require.NoError(t, err)
	assert.Empty(t, found)
}
