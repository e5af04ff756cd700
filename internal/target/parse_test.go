package target

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newFlagSet is a flag set like a program's: the shared flags and one int.
func newFlagSet() (*flag.FlagSet, *Flags, *int) {
	fs := flag.NewFlagSet("prog", flag.ContinueOnError)
	f := Register(fs)
	n := fs.Int("requests", 5, "how many requests")
	return fs, f, n
}

func TestParseTakesGoodFlags(t *testing.T) {
	fs, f, n := newFlagSet()
	var stderr bytes.Buffer
	require.NoError(t, Parse(fs, []string{"-requests", "7", "-addr", "127.0.0.1:9"}, &stderr))
	assert.Equal(t, 7, *n)
	assert.Equal(t, "127.0.0.1:9", f.Addr)
	assert.Empty(t, stderr.String())
}

func TestParseTurnsEveryMistakeIntoOneUsageLine(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"an unknown flag":                  {[]string{"-nope"}, "-nope"},
		"a bad value":                      {[]string{"-requests", "abc"}, `"abc"`},
		"a missing value":                  {[]string{"-requests"}, "-requests"},
		"a stray argument":                 {[]string{"extra"}, `"extra"`},
		"a stray argument after the flags": {[]string{"-requests", "2", "extra"}, `"extra"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			fs, _, _ := newFlagSet()
			var stderr bytes.Buffer
			err := Parse(fs, c.args, &stderr)
			require.Error(t, err)
			assert.Equal(t, 2, ExitStatus(err), "a mistake in the flags exits with 2")
			assert.Contains(t, err.Error(), c.want, "the line names the problem")
			assert.Contains(t, err.Error(), helpHint, "the line says where the flags are listed")
			assert.NotContains(t, err.Error(), "\n")
			assert.Empty(t, stderr.String(), "the usage is printed only for -h; Exit prints the one line")
		})
	}
}

func TestParsePrintsTheUsageOnlyForHelp(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		fs, _, _ := newFlagSet()
		var stderr bytes.Buffer
		err := Parse(fs, []string{arg}, &stderr)
		assert.ErrorIs(t, err, flag.ErrHelp, arg)
		assert.Equal(t, 0, ExitStatus(err), "%s is not a failure", arg)
		assert.Contains(t, stderr.String(), "-requests", "%s lists the flags", arg)
		assert.Contains(t, stderr.String(), "-allow-remote", "%s lists the shared flags", arg)
	}
}

func TestRunStopsTheEmbeddedServerAndExplainsTheError(t *testing.T) {
	t.Setenv(DefaultAddrEnv, closedPort(t))
	fs, f, _ := newFlagSet()
	require.NoError(t, Parse(fs, nil, &bytes.Buffer{}))
	var seen *Target
	err := f.Run(&bytes.Buffer{}, func(tg *Target) error {
		seen = tg
		return fmt.Errorf("connect %s: %w", tg.AddrPort, syscall.ECONNREFUSED)
	})
	require.NotNil(t, seen, "run is called with the resolved target")
	require.NotNil(t, seen.Embedded, "nothing listens on the default address, so Resolve starts a server")
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
	assert.Contains(t, err.Error(), "go run ./delayserver", "Run adds Explain's advice")
	assert.Equal(t, 1, ExitStatus(err), "a failed run is exit status 1")
	_, dialErr := net.DialTimeout("tcp", seen.Embedded.Addr(), time.Second)
	assert.Error(t, dialErr, "Run stops the embedded server before it returns")
}

func TestRunDoesNotCallRunForAMistakeInTheTarget(t *testing.T) {
	fs, f, _ := newFlagSet()
	require.NoError(t, Parse(fs, []string{"-addr", "192.0.2.1:80"}, &bytes.Buffer{}))
	called := false
	err := f.Run(&bytes.Buffer{}, func(*Target) error { called = true; return nil })
	assert.False(t, called, "a refused target must not reach the program")
	assert.Equal(t, 2, ExitStatus(err))
	var usage UsageError
	assert.True(t, errors.As(err, &usage))
	assert.False(t, strings.Contains(err.Error(), "\n"))
}
