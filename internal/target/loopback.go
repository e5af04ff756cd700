// This file holds the loopback rule: experiments here can open thousands of
// connections at once, which is a denial of service when aimed at a server
// somebody else runs. So the default is to refuse anything but this machine.

package target

import (
	"fmt"
	"net/netip"
	"strings"
)

// CheckLoopback returns nil when host names this machine: an address in
// 127.0.0.0/8, ::1, or the name localhost. Other names are not looked up,
// so the check itself never sends a packet.
func CheckLoopback(host string) error {
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil {
		return fmt.Errorf("%q is not a loopback address (use 127.0.0.1 or localhost)", host)
	}
	if !ip.Unmap().IsLoopback() {
		return fmt.Errorf("%s is not a loopback address", ip)
	}
	return nil
}
