package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMarkersFindsFunctionsAndMethods(t *testing.T) {
	src := `package p

// Plain is not an exercise.
func Plain() {}

// Wake is one.
//
//workbook:exercise s03-wake
func (w *Waker) Wake() {
	w.n++ // the solution
}

// Also shares the id with Wake.
//
//workbook:exercise s03-wake
func Also[T any](x T) T { return x }

type Waker struct{ n int }
`
	ms, probs, _ := parseMarkers("stage03/waker.go", []byte(src))
	require.Empty(t, probs)
	require.Len(t, ms, 2)
	assert.Equal(t, "s03-wake", ms[0].ID)
	assert.Equal(t, "(*Waker).Wake", ms[0].Func)
	assert.Equal(t, "stage03/waker.go:8", ms[0].Pos())
	assert.Equal(t, "\n\tw.n++ // the solution\n", ms[0].Body)
	assert.Equal(t, "Also", ms[1].Func)
	assert.Equal(t, " return x ", ms[1].Body)
}

func TestParseMarkersReportsMistakesWithFileAndLine(t *testing.T) {
	cases := map[string]struct {
		src  string
		want string
	}{
		"not on a function": {
			src:  "package p\n\n// T is a type.\n//\n//workbook:exercise on-type\ntype T int\n",
			want: "x.go:5: marker \"on-type\" is not in the doc comment of a function",
		},
		"space after slashes": {
			src:  "package p\n\n// F.\n// workbook:exercise spaced\nfunc F() {}\n",
			want: "x.go:4: write the marker with no space after the slashes",
		},
		"bad id": {
			src:  "package p\n\n//workbook:exercise Bad_ID\nfunc F() {}\n",
			want: "x.go:3: exercise id \"Bad_ID\" must be lower-case",
		},
		"no id": {
			src:  "package p\n\n//workbook:exercise\nfunc F() {}\n",
			want: "x.go:3: a marker names exactly one exercise id",
		},
		"two ids": {
			src:  "package p\n\n//workbook:exercise a b\nfunc F() {}\n",
			want: "x.go:3: a marker names exactly one exercise id",
		},
		"two markers on one function": {
			src:  "package p\n\n//workbook:exercise a\n//workbook:exercise b\nfunc F() {}\n",
			want: "x.go:4: function F already carries marker \"a\"",
		},
		"no body": {
			src:  "package p\n\n//workbook:exercise a\nfunc F()\n",
			want: "x.go:3: marker \"a\" is on a function without a body",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, probs, _ := parseMarkers("x.go", []byte(c.src))
			require.NotEmpty(t, probs, "the mistake went unnoticed")
			assert.Contains(t, probs[0], c.want)
		})
	}
}

func TestParseMarkersGivesTheFirstSyntaxErrorWithItsPosition(t *testing.T) {
	ms, probs, pf := parseMarkers("x.go", []byte("package p\n\nfunc F( {\n//workbook:exercise a\n"))
	assert.Empty(t, ms)
	assert.Empty(t, probs, "a syntax error is not a marker mistake")
	require.NotNil(t, pf)
	assert.Equal(t, "x.go:3:9: syntax error: expected ')', found '{'; fix it and run again", pf.Message())
}

func TestScanMarkersSkipsTestdataAndNestedModules(t *testing.T) {
	root := t.TempDir()
	marked := "package p\n\n//workbook:exercise x\nfunc F() {}\n"
	writeFiles(t, root, map[string]string{
		"go.mod":                    "module example.com/m\n",
		"a/a.go":                    marked,
		"a/testdata/t.go":           marked,
		"nested/go.mod":             "module example.com/nested\n",
		"nested/n.go":               marked,
		"_hidden/h.go":              marked,
		"workbook/testdata/fx/f.go": marked,
	})
	files, err := listProjectFiles(root)
	require.NoError(t, err)
	ms, _, probs := scanMarkers(root, files)
	require.Empty(t, probs)
	require.Len(t, ms, 1, "only a/a.go belongs to the module's build")
	assert.Equal(t, "a/a.go", ms[0].File)
}
