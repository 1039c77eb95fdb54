// Package metrics reports what the bot does as Prometheus metrics. Its
// [Metrics] implements [bot.Observer] over a registry of its own (never
// client_golang's global one) and serves that registry in the Prometheus
// text format ([Metrics.Handler]). It is the only package of the project
// that imports client_golang; the bot knows only its Observer interface.
//
// Each question the handlers answer is counted once, when it has ended,
// by where it came from (a slash command, a button, a message ...) and
// how it ended (answered, tentative, abstained, refused ...), with the time the
// handlers took; each reload by its trigger and result, the facts served
// after it, and in gateway mode each shard's connection. A process that
// machine-translates questions exports its translator's counts too
// ([Metrics.CountTranslations]).
package metrics
