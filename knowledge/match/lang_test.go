package match

import (
	"slices"
	"testing"
	"testing/fstest"
)

// TestReadLexicon checks that any form of a word of the lexicon reaches
// any form of its translations, both ways.
func TestReadLexicon(t *testing.T) {
	fsys := fstest.MapFS{"es/lexicon.txt": {Data: []byte("# test\ndetener: arrest, detain\nfrontera: border\nministro de exteriores: foreign minister\n")}}
	l := &language{}
	if err := l.readLexicon(fsys, "es/lexicon.txt"); err != nil {
		t.Fatal(err)
	}
	if got := l.lexicon[spanishStem("detenidos")]; !slices.Contains(got, stemWord("arrested")) || !slices.Contains(got, stemWord("detain")) {
		t.Errorf("detenidos → %v, want the stems of arrest and detain", got)
	}
	if got := l.fromEnglish[stemWord("borders")]; !slices.Contains(got, spanishStem("fronteras")) {
		t.Errorf("borders → %v, want the stem of frontera", got)
	}
	if len(l.lexicon) != 2 {
		t.Errorf("lexicon %v: a phrase is not looked up word by word", l.lexicon)
	}
	bad := &language{}
	if err := bad.readLexicon(fstest.MapFS{"x.txt": {Data: []byte("palabra sin traduccion\n")}}, "x.txt"); err == nil {
		t.Error("a line without a translation was accepted")
	}
}
