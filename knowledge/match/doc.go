// Package match answers questions: it analyses a corpus's facts into an
// [Index] (folded words, stems, word families, phrases of the vocabulary,
// the spans that can answer a kind of question: names, places, dates,
// numbers, reasons) and ranks them for a question, with a calibrated
// confidence deciding whether to answer at all. It implements
// [knowledge.Index]; nothing in it knows where the facts are kept or who
// asks.
//
// An index is built by [NewIndex], or [Build] (which stops when its
// context ends), analysing every fact. [BuildPrepared] also returns the
// index's prepared form, a [knowledge.Prepared] a store keeps beside the
// facts, from which [Load] builds the same index again without analysing
// anything; a prepared form made by another analysis ([Fingerprint]) or
// from other facts is refused with [ErrNotPrepared]. An Index never
// changes and is safe for concurrent use: a reload builds a new one.
//
// A question flows through [Index.Answer] like this. Chat markup
// (mentions, custom emoji, links) is removed and the question is checked
// ([knowledge.CleanQuestion]), folded and split into words; its language
// (English or Spanish, by marker words) is told, and that language's stop
// words dropped. Unknown words are corrected against the index's own
// words, partial ones completed, and Spanish words carried to the English
// the sources may be written in. The question phrase says what kind of
// answer is wanted (who: a person; when: a date; where: a place; how
// many: a number; why: a reason). Each remaining word or phrase becomes a
// group of alternative terms, and facts are scored with BM25, each group
// counting once; the best are reranked by whether they hold a span of
// the kind wanted that the question does not itself say. A logistic model
// of the first fact's match, embedded in the package, gives the
// confidence; below the [knowledge.Options] threshold the engine abstains
// and offers "did you mean" topics instead. The [knowledge.Answer] carries
// the facts, best first, with their citations, and with Explain set, why
// each matched.
//
// The word lists of each language (stop words, question phrases, the
// lists the answer types are read with, an English dictionary, a
// Spanish–English lexicon) are embedded data, part of the analysis that
// [Fingerprint] identifies.
package match
