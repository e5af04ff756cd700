//go:build unix

package target

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// socketMargin is the file descriptors a run needs besides its request
// sockets: the standard streams, the pollers, the embedded delay server's
// listener, the Go runtime's own.
const socketMargin = 64

// CheckSockets checks that requests sockets, all open at once, fit under
// the open-file limit (ulimit -n). Past it, socket(2) fails with EMFILE
// midway, and the run would end in thousands of identical failures instead
// of one line that says what to change. When the delay server runs in this
// process, each connection takes two descriptors, one for each end.
//
// Go raises the soft open-file limit to the hard one as a program starts,
// so the soft limit read here is the most the run can have.
func CheckSockets(requests int, serverInProcess bool) error {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return fmt.Errorf("read the open-file limit: %w", err)
	}
	// Rlimit's fields are uint64 on Linux and macOS, int64 on FreeBSD.
	return checkSocketsUnder(requests, serverInProcess, uint64(rl.Cur))
}

// checkSocketsUnder is CheckSockets against a given limit, openFiles.
func checkSocketsUnder(requests int, serverInProcess bool, openFiles uint64) error {
	sockets, why := uint64(requests), ""
	if serverInProcess {
		sockets, why = 2*sockets, " (client and server ends: the delay server runs in this process)"
	}
	if sockets+socketMargin <= openFiles {
		return nil
	}
	return fmt.Errorf("%d requests need %d sockets at once%s but the open-file limit is %d; lower -requests/-executors or raise ulimit -n",
		requests, sockets, why, openFiles)
}
