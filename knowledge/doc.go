// Package knowledge is agreementbot's domain: the sources it reads, the
// facts it cuts them into, the citations that tie each fact back to the
// exact words it came from, and the answers it gives. It holds the types
// and the interfaces between the parts, and imports only the standard
// library, so that everything above it (the Discord bot, the evaluation)
// can be built and tested without SQLite, YAML or a stemmer.
//
// A question flows through it as a string to [Index.Answer], checked by
// [CleanQuestion] and asked with [Options] (how many facts, from which
// one on, the confidence needed), and comes back as an [Answer]: the
// [ScoredFact]s that answer it, best first, each [Fact] with the
// [Citation] of its source, paragraph and exact words, or, when none
// answers well enough, an abstention with "did you mean" topics. The
// facts come from a [Corpus] of [Source]s, each parsed into a [Document];
// a reload reports what changed in a [ReloadReport].
//
// The parts live in packages of their own, one per concern and dependency:
//
//	knowledge/source      parses sources (.txt, .md, facts .yaml, vocabulary.yaml)
//	knowledge/sqlite      keeps a corpus in a SQLite file
//	knowledge/match       analyses, indexes and answers questions
//	knowledge/library     serves the current index and rebuilds it on reload
//	knowledge/evaluation  measures the answers on questions with known ones
//
// Nothing here knows about Discord or any other transport.
package knowledge
