// Package outage tracks whether a service the bot depends on but can do
// without (Redis, the translation server) is answering: a [Tracker]
// counts it down at a failure, lets callers fail at once for a while
// instead of waiting on a dead service at every question, and tells them
// when an outage begins and ends, so that each is logged once.
package outage
