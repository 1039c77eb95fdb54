// Package source reads the sources the bot answers from, and cuts them
// into the facts it quotes: plain text ([ParseText]), Markdown
// ([ParseMarkdown]) and curated facts files in YAML ([ParseFacts]), by
// their extension ([Parse]), each into a [knowledge.Document] whose every
// fact cites the exact words it came from; and the vocabulary
// ([ParseVocabulary]: names, titles, synonyms and topics) that helps
// match questions to them. [LoadCorpus] reads a whole sources directory
// into a [knowledge.Corpus], reporting every source it cannot use with its
// file and line. The news article the bot was made for, and its
// vocabulary, are embedded ([DefaultSources], [DefaultVocabulary]), so
// that it answers with no set-up at all.
//
// No question flows through this package: it makes the facts that the
// store keeps (knowledge/sqlite) and the index answers from
// (knowledge/match), when the sources are ingested or reloaded.
package source
