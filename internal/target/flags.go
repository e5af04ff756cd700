// Package target is the plumbing every stage shares and none of them teaches:
// the -addr and -allow-remote flags, the rule that the workbook only sends load
// to loopback, starting an embedded delay server when none is running, and
// turning a failure into one line a learner can act on.
//
// The futures, sockets and runtimes stay inside each stage; this package only
// decides where they connect.
package target

import (
	"flag"
	"fmt"
)

// DefaultAddr is where a stage looks for a delay server when -addr is not
// given: the address `go run ./delayserver` listens on.
const DefaultAddr = "127.0.0.1:8080"

// DefaultAddrEnv, when set, replaces DefaultAddr. Tests point it at a closed
// port so that they never depend on what listens on 8080.
const DefaultAddrEnv = "ASYNCGO_DEFAULT_ADDR"

// Flags holds the command-line settings every stage shares.
type Flags struct {
	// Addr is the delay server's host:port.
	Addr string
	// AllowRemote permits a target that is not a loopback address.
	AllowRemote bool
	// addrSet records whether -addr was given: only then is the address a
	// promise to keep, otherwise the stage may start its own server.
	addrSet bool
}

// Register adds -addr and -allow-remote to fs and returns the settings they
// fill in once fs is parsed.
func Register(fs *flag.FlagSet) *Flags {
	f := &Flags{Addr: DefaultAddr}
	fs.Func("addr", fmt.Sprintf("`host:port` of the delay server (default %s; when not given and nothing listens there, a delay server is started in-process)", DefaultAddr), func(v string) error {
		f.Addr = v
		f.addrSet = true
		return nil
	})
	fs.BoolVar(&f.AllowRemote, "allow-remote", false, "allow a target that is not a loopback address (only for a server you run yourself)")
	return f
}
