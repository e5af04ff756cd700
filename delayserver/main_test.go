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
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(args, &stdout, &stderr)
			require.Error(t, err)
			assert.Equal(t, 2, target.ExitStatus(err), "a mistake on the command line exits with 2")
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestRunNamesThePublicFlag(t *testing.T) {
	err := run([]string{"-addr", "0.0.0.0:0"}, &bytes.Buffer{}, &bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-public")
}
