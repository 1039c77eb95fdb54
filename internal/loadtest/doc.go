// Package loadtest measures the HTTP interactions endpoint under load, on
// this machine only: a number of clients send signed /ask interactions,
// as Discord would, to the endpoint under test and to a bare endpoint
// that only checks the signature and answers a fixed message, in
// alternating rounds (bare, serve, bare, serve…) so that the machine's
// noise falls on both, and it reports each one's throughput, median and
// 99th-percentile latency and errors, and the ratio of their throughputs.
//
// Every request is a new interaction from a new member, signed with the
// current time by a key pair made for the run; each reply is checked (the
// bare endpoint's fixed message; an answer, as a message with an embed,
// from the endpoint under test, or a deferral whose reply must then reach
// the fake interaction webhooks the run starts). Everything listens and
// dials on loopback only, and a run ends by its Duration.
package loadtest
