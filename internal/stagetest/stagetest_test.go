package stagetest

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/asyncworkbook/asyncgo/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// dial connects to addr with a deadline, so a helper that misbehaves fails
// the test instead of hanging it.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, waitLimit)
	require.NoError(t, err)
	require.NoError(t, conn.SetDeadline(time.Now().Add(waitLimit)))
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

const request = "GET /0/x HTTP/1.1\r\nHost: test\r\n\r\n"

func TestScriptedServerHandsOverTheRequestAndWritesEachPieceInTurn(t *testing.T) {
	srv := StartScriptedServer(t)
	conn := dial(t, srv.Addr())
	_, err := io.WriteString(conn, request)
	require.NoError(t, err)

	assert.Equal(t, request, srv.Request(t), "Request must return the head exactly as the client sent it")

	r := bufio.NewReader(conn)
	srv.Send(t, "HTTP/1.1 200 OK\r\n")
	line, err := r.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1 200 OK\r\n", line, "the first piece must arrive before the second is sent")

	srv.Send(t, "\r\nbody")
	srv.Close()
	rest, err := io.ReadAll(r)
	require.NoError(t, err, "after Close the client must see an orderly end, not an error")
	assert.Equal(t, "\r\nbody", string(rest))
}

func TestResettingServerResetsTheConnectionAfterTheRequest(t *testing.T) {
	conn := dial(t, StartResettingServer(t))
	_, err := io.WriteString(conn, request)
	require.NoError(t, err)

	_, err = io.ReadAll(conn)
	require.Error(t, err, "a reset must not read as an orderly end")
	assert.True(t, errors.Is(err, syscall.ECONNRESET), "want ECONNRESET, got %v", err)
}

func TestClosedPortRefusesAConnection(t *testing.T) {
	_, err := net.DialTimeout("tcp", ClosedPort(t), waitLimit)
	require.Error(t, err)
	assert.True(t, errors.Is(err, syscall.ECONNREFUSED), "want ECONNREFUSED, got %v", err)
}

func TestTargetKeepsTheAddressGiven(t *testing.T) {
	tg := Target(t, "127.0.0.1:8080")
	assert.Equal(t, "127.0.0.1:8080", tg.AddrPort.String())
	assert.Equal(t, "127.0.0.1:8080", tg.Host)
}

func TestStartDelayServerAnswersARequest(t *testing.T) {
	srv := StartDelayServer(t)
	conn := dial(t, srv.Addr())
	_, err := io.WriteString(conn, "GET /0/hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	answer, err := io.ReadAll(conn)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(answer), "HTTP/1.1 200 OK\r\n"), "got %q", answer)
	assert.True(t, strings.HasSuffix(string(answer), "hello"), "got %q", answer)
}

func TestReadHeadStopsAtTheBlankLine(t *testing.T) {
	r := bufio.NewReader(strings.NewReader(request + "after"))
	head, err := ReadHead(r)
	require.NoError(t, err)
	assert.Equal(t, request, head)
	rest, _ := io.ReadAll(r)
	assert.Equal(t, "after", string(rest), "ReadHead must not read past the head")

	head, err = ReadHead(bufio.NewReader(strings.NewReader("GET / HTTP/1.1\r\n")))
	assert.ErrorIs(t, err, io.EOF, "a head cut short must be an error")
	assert.Equal(t, "GET / HTTP/1.1\r\n", head, "and return what arrived")
}

func TestPatternIsNotAllAlike(t *testing.T) {
	p := Pattern(100)
	require.Len(t, p, 100)
	assert.NotEqual(t, p[:23], p[1:24], "a shifted copy must differ")
	assert.Equal(t, p[:23], p[23:46], "the pattern repeats every 23 bytes")
}

func TestInStudentEditionLooksForTheMarkerNextToGoMod(t *testing.T) {
	assert.False(t, inStudentEdition(), "this repository is the reference")
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "workbook"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "stage03_waker"), 0o755))
	t.Chdir(filepath.Join(root, "stage03_waker"))
	assert.False(t, inStudentEdition(), "no EDITION file: not an edition")
	require.NoError(t, os.WriteFile(filepath.Join(root, "workbook", "EDITION"), []byte("student\n"), 0o644))
	assert.True(t, inStudentEdition(), "workbook/EDITION next to go.mod marks a student edition")
}
