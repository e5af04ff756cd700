package target

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/asyncworkbook/asyncgo/internal/delayserver"
	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain fails the run if a test leaves a goroutine running or a file
// descriptor open (an embedded delay server not closed, for instance).
func TestMain(m *testing.M) { leakcheck.Main(m) }

// parse registers the shared flags on a fresh set and parses args.
func parse(t *testing.T, args ...string) *Flags {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	f := Register(fs)
	require.NoError(t, fs.Parse(args))
	return f
}

// closedPort returns a loopback address on which nothing listens: a port
// that was free a moment ago.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestCheckLoopback(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"} {
		assert.NoError(t, CheckLoopback(host), host)
	}
	for _, host := range []string{"192.0.2.1", "10.0.0.1", "0.0.0.0", "::", "example.com", ""} {
		assert.Error(t, CheckLoopback(host), host)
	}
}

func TestResolveRefusesARemoteTargetWithoutConnecting(t *testing.T) {
	// 192.0.2.1 is TEST-NET-1: nothing answers there, and the refusal must
	// come before any attempt to connect.
	f := parse(t, "-addr", "192.0.2.1:80")
	_, err := f.Resolve(&bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-allow-remote", "the message names the flag that permits it")
	assert.Contains(t, err.Error(), "192.0.2.1")
	assert.Equal(t, 2, ExitStatus(err), "a remote target without -allow-remote is a mistake in the flags")
}

func TestResolveRefusesARemoteName(t *testing.T) {
	f := parse(t, "-addr", "example.com:80")
	_, err := f.Resolve(&bytes.Buffer{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-allow-remote")
}

func TestResolveAllowsARemoteLiteralWhenAsked(t *testing.T) {
	// An explicit -addr is used as given: no probe, so no connection here.
	f := parse(t, "-addr", "192.0.2.1:80", "-allow-remote")
	tg, err := f.Resolve(&bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, "192.0.2.1:80", tg.AddrPort.String())
	assert.Nil(t, tg.Embedded)
}

func TestResolveRejectsMalformedAddresses(t *testing.T) {
	for _, addr := range []string{"127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:0", "127.0.0.1:70000", ":8080x"} {
		f := parse(t, "-addr", addr)
		_, err := f.Resolve(&bytes.Buffer{})
		assert.Error(t, err, addr)
		assert.Equal(t, 2, ExitStatus(err), "a malformed -addr %q is a mistake in the flags", addr)
	}
}

func TestResolveUsesAnExplicitAddressEvenWhenNothingListens(t *testing.T) {
	addr := closedPort(t)
	var stderr bytes.Buffer
	tg, err := parse(t, "-addr", addr).Resolve(&stderr)
	require.NoError(t, err)
	assert.Equal(t, addr, tg.AddrPort.String())
	assert.Nil(t, tg.Embedded, "-addr is a promise: the stage must report the refusal, not hide it")
	assert.Empty(t, stderr.String())
}

func TestResolveStartsAnEmbeddedServerWhenTheDefaultIsFree(t *testing.T) {
	t.Setenv(DefaultAddrEnv, closedPort(t))
	var stderr bytes.Buffer
	tg, err := parse(t).Resolve(&stderr)
	require.NoError(t, err)
	defer tg.Close()
	require.NotNil(t, tg.Embedded)
	assert.Equal(t, tg.Embedded.Addr(), tg.AddrPort.String())
	assert.Contains(t, stderr.String(), "started one in this process on "+tg.Embedded.Addr())
	assert.Equal(t, 1, bytes.Count(stderr.Bytes(), []byte("\n")), "one line on stderr")
}

func TestResolveUsesTheServerListeningOnTheDefault(t *testing.T) {
	srv, err := delayserver.Start(delayserver.Config{Addr: "127.0.0.1:0"})
	require.NoError(t, err)
	defer srv.Close()
	t.Setenv(DefaultAddrEnv, srv.Addr())
	var stderr bytes.Buffer
	tg, err := parse(t).Resolve(&stderr)
	require.NoError(t, err)
	assert.Nil(t, tg.Embedded)
	assert.Equal(t, srv.Addr(), tg.Host)
	assert.Empty(t, stderr.String())
}

func TestExplainTellsHowToStartTheServer(t *testing.T) {
	tg, err := parse(t, "-addr", "127.0.0.1:9").Resolve(&bytes.Buffer{})
	require.NoError(t, err)
	err = Explain(fmt.Errorf("connect 127.0.0.1:9: %w", syscall.ECONNREFUSED), tg)
	assert.ErrorIs(t, err, syscall.ECONNREFUSED, "the cause stays inspectable")
	assert.Contains(t, err.Error(), "go run ./delayserver -addr 127.0.0.1:9")

	plain := fmt.Errorf("status 500")
	assert.Equal(t, plain, Explain(plain, tg), "other errors are left alone")
	assert.NoError(t, Explain(nil, tg))
}

func TestOneLineFoldsLines(t *testing.T) {
	assert.Equal(t, "a; b c", OneLine(fmt.Errorf("a\nb   c")))
}

func TestExitStatusTellsUsageFromFailure(t *testing.T) {
	assert.Equal(t, 0, ExitStatus(nil))
	assert.Equal(t, 0, ExitStatus(flag.ErrHelp), "-h is not a failure")
	assert.Equal(t, 2, ExitStatus(Usagef("-n %d: must be positive", -1)))
	assert.Equal(t, 2, ExitStatus(fmt.Errorf("parsing: %w", Usagef("bad"))), "a wrapped usage error is still one")
	assert.Equal(t, 1, ExitStatus(fmt.Errorf("connect: refused")))
}
