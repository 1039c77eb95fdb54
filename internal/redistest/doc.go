// Package redistest starts a real redis-server for a test, on a free port
// in a temporary directory, and skips the test when none is installed.
// The tests of the state replicas share (bot/redisstate) and of
// several replicas end to end (cmd/agreementbot) use it.
package redistest
