// Command mkthesaurus writes lang/en/thesaurus.txt, the English synonyms a
// question's word also matches, from WordNet 3.0 as Debian's wordnet-base
// package installs it:
//
//	go run ./knowledge/match/internal/mkthesaurus /usr/share/wordnet \
//		knowledge/match/lang/en/levels.txt >knowledge/match/lang/en/thesaurus.txt
//
// Two words are synonyms when they share a synset that is among the first
// senses (by frequency, WordNet's own order) of each: "price" and "cost",
// "invoice" and "bill", "year" and "yr". Rarer senses ("boss" as a verb,
// emboss) are left out, as are phrases and words beyond the commoner SCOWL
// sizes of levels.txt, so that the list stays small and its matches
// likely. The defaults (-senses 2 -size 50) ranked best on the
// development sets (one sense, or three, and size 35 did less well). The
// file keeps WordNet's licence at its top, as the licence asks.
package main
