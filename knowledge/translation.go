package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
)

// Translations are machine translations of what the engine matches and
// shows in words of its own: each fact's words (Fact.Clean) and each
// topic offered as "did you mean", into the other language the engine
// speaks, so that a question in either language meets every fact in both
// and a member is offered topics in theirs. They help matching and are
// never quoted: a fact is always shown in its source's own words.
//
// A translation is keyed by the digest of the words translated and the
// two languages, not by fact id, so that a rebuild translates again only
// the words that changed, and identical words once.
type Translations map[TranslationKey]string

// TranslationKey names one translation.
type TranslationKey struct {
	// Digest is the TextDigest of the words translated.
	Digest string
	// From and To are the languages, as BCP 47 base tags ("en", "es").
	From, To string
}

// KeyOf returns the key of text's translation from one language to
// another.
func KeyOf(text, from, to string) TranslationKey {
	return TranslationKey{Digest: TextDigest(text), From: from, To: to}
}

// TextDigest returns the digest translations of text are keyed by: the
// hexadecimal SHA-256 of its words with their spacing collapsed.
func TextDigest(text string) string {
	sum := sha256.Sum256([]byte(CollapseSpace(text)))
	return hex.EncodeToString(sum[:16])
}

// Lookup returns the translation of text from one language to another,
// and whether there is one.
func (t Translations) Lookup(text, from, to string) (string, bool) {
	s, ok := t[KeyOf(text, from, to)]
	return s, ok
}
