// Command agreementbot answers questions about the 28 February 2024
// agreement of the United States, Mexico and Guatemala with cited facts from
// its sources: from the command line, or as a Discord bot (over the
// gateway, or as an HTTP interactions endpoint).
//
// Usage:
//
//	agreementbot ask [--json] [--explain] [--top N] [--threshold X] [--sources DIR | --db FILE] [--translate URL] [QUESTION...]
//	agreementbot facts [--json] [--sources DIR | --db FILE]
//	agreementbot ingest --sources DIR --db FILE [--config FILE] [--translate URL]
//	agreementbot eval [--file FILE] [--verbose] [--leave-one-out] [--threshold X] [--sources DIR | --db FILE] [--translate URL]
//	agreementbot calibrate [--squad DIR] [--out FILE] [--features LIST] [--examples FILE] [--translate URL]
//	agreementbot run [--config FILE]
//	agreementbot serve [--config FILE]
//	agreementbot loadtest [--clients N] [--requests N] [--rounds N] [--duration D] [--questions FILE] [--json] [--strict]
//	agreementbot config check [--config FILE]
//	agreementbot help [COMMAND]
//
// Flags may come before or after a command's other arguments; "--" ends
// them.
//
// With neither --sources nor --db it uses the article embedded in the
// binary, so it needs no set-up at all. With --translate (or
// $AGREEMENTBOT_TRANSLATE_URL, or translate.url for run and serve),
// questions and facts are also machine-translated through Apertium's
// translation server (knowledge/apertium).
//
// The command wires the parts and adds no behaviour of its own. For ask,
// a question goes to the index of the facts opened (a store file, or the
// sources written to a store in memory) and its answer is printed. For
// run and serve, the settings (internal/config) open the library
// (knowledge/library), the handlers (bot) are built over it, with the
// metrics (bot/metrics), the translator when translate.url is set, and,
// when redis.url is set, the state the
// replicas share (bot/redisstate), and handed to a transport (bot/discord:
// the gateway, or the HTTP interactions endpoint), which asks them every
// question Discord brings.
package main
