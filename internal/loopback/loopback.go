package loopback

import "net/netip"

// Host reports whether host, as a URL's Hostname gives it (no brackets, no
// port), is "localhost" or a loopback address (127.0.0.0/8, ::1, or an
// IPv4 loopback address mapped into IPv6), without a zone. Other names are
// not looked up.
func Host(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.Unmap().IsLoopback()
}
