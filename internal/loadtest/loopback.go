package loadtest

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"

	"github.com/agreementbot/agreementbot/internal/loopback"
)

// CheckLoopback returns nil when host is a loopback address (127.0.0.0/8,
// ::1, or "localhost"), and an error otherwise: the load test sends its
// requests to this machine only, never to another one. Names other than
// localhost are refused rather than looked up.
func CheckLoopback(host string) error {
	h := strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if !loopback.Host(strings.ToLower(h)) {
		return fmt.Errorf("%q is not a loopback address (127.0.0.1, ::1 or localhost): the load test only sends to this machine", host)
	}
	return nil
}

// checkURL refuses a target URL whose host is not a loopback address.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("load test target %q: %w", raw, err)
	}
	if err := CheckLoopback(u.Hostname()); err != nil {
		return fmt.Errorf("load test target %s: %w", u.Redacted(), err)
	}
	return nil
}

// listenLoopback listens on a free port of host, which must be a loopback
// address.
func listenLoopback(ctx context.Context, host string) (net.Listener, error) {
	if err := CheckLoopback(host); err != nil {
		return nil, err
	}
	lc := net.ListenConfig{Control: onlyLoopback}
	ln, err := lc.Listen(ctx, "tcp", net.JoinHostPort(strings.Trim(host, "[]"), "0"))
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", host, err)
	}
	return ln, nil
}

// dialLoopback dials addr only when it is a loopback address, so that no
// request of the load test can leave the machine, whatever the target
// resolves to.
func dialLoopback(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	if err := CheckLoopback(host); err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	d := net.Dialer{Control: onlyLoopback}
	return d.DialContext(ctx, network, addr)
}

// onlyLoopback, as a dialer's or listener's Control, refuses a socket
// whose resolved address is not a loopback one (localhost resolving
// elsewhere, say).
func onlyLoopback(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().Unmap().IsLoopback() {
		return fmt.Errorf("%s is not a loopback address: the load test only uses this machine", address)
	}
	return nil
}
