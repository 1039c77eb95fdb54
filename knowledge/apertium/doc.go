// Package apertium is a client of APy (apertium-apy), the HTTP server of
// the Apertium machine translator, which the bot runs beside it as a
// process of its own: Apertium and its language pairs are GPL, and are
// only ever talked to over HTTP, never linked.
//
// A Client translates many texts in few requests (many facts in one
// request ran about four times as fast as one at a time), keeps the
// translations of single texts (questions) in a bounded cache, counts
// what it does, and, while the server does not answer, fails at once
// rather than making every question wait: it tries again at most once a
// second, and logs one line when the server stops answering and one when
// it is back.
package apertium
