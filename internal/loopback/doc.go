// Package loopback tells whether a host names this machine: the one check
// behind the settings that allow plain http only to this machine and the
// load test that sends only here.
package loopback
