package main

import (
	"bytes"
	"testing"

	"github.com/asyncworkbook/asyncgo/internal/target"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunRefusesBadInputWithOneLine(t *testing.T) {
	cases := map[string][]string{
		"a public address":  {"-addr", "0.0.0.0:0"},
		"a bad address":     {"-addr", "nonsense"},
		"a stray argument":  {"extra"},
		"an unknown flag":   {"-nope"},
		"a zero max delay":  {"-max-delay", "0s"},
		"a zero connection": {"-max-conns", "0"},
		"a bad number":      {"-max-conns", "abc"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(args, &stdout, &stderr)
			require.Error(t, err)
			assert.Equal(t, 2, target.ExitStatus(err), "a mistake on the command line exits with 2")
			assert.NotContains(t, err.Error(), "\n")
			assert.Empty(t, stderr.String(), "no usage dump: the one line comes from target.Exit")
			assert.Empty(t, stdout.String(), "nothing starts after a mistake")
		})
	}
}

func TestRunNamesThePublicFlag(t *testing.T) {
	err := run([]string{"-addr", "0.0.0.0:0"}, &bytes.Buffer{}, &bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-public")
}

func TestRunPrintsTheFlagsForHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run([]string{"-h"}, &stdout, &stderr)
	assert.Equal(t, 0, target.ExitStatus(err), "-h is not a failure")
	assert.Contains(t, stderr.String(), "-max-conns")
	assert.Empty(t, stdout.String())
}
