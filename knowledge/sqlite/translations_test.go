package sqlite

import (
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
)

// TestStoreTranslationsRoundTrip checks that a store keeps the corpus's
// translations, keyed by digest and pair, that ReadTranslations gives
// them back, and that a store without them (a missing file, or one built
// before they were kept) has none.
func TestStoreTranslationsRoundTrip(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "facts.db")
	c := articleCorpus(t)
	c.Translations = knowledge.Translations{
		knowledge.KeyOf(c.Facts[0].Clean, "en", "es"):            "Los gobiernos de México…",
		knowledge.KeyOf("the meeting in Washington", "en", "es"): "la reunión en Washington",
		knowledge.KeyOf("la reunión", "es", "en"):                "the meeting",
	}
	if _, err := Build(ctx, path, c, nil); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Corpus(ctx)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Translations, c.Translations) {
		t.Errorf("translations after a round trip:\n got %v\nwant %v", got.Translations, c.Translations)
	}
	if tr, ok := got.Translations.Lookup("  the meeting   in Washington ", "en", "es"); !ok || tr != "la reunión en Washington" {
		t.Errorf("Lookup with other spacing = %q, %v", tr, ok)
	}
	if read := ReadTranslations(ctx, path); !reflect.DeepEqual(read, c.Translations) {
		t.Errorf("ReadTranslations = %v", read)
	}
	if read := ReadTranslations(ctx, filepath.Join(t.TempDir(), "none.db")); read != nil {
		t.Errorf("ReadTranslations of no store = %v, want none", read)
	}

	// A store built before translations were kept has no such table.
	db, err := sql.Open("sqlite3", fileDSN(path, "rw"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "DROP TABLE translations"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old, err := s.Corpus(ctx)
	if err != nil {
		t.Fatalf("a store without translations: %v", err)
	}
	if old.Translations != nil || len(old.Facts) != len(c.Facts) {
		t.Errorf("a store without translations read %d translations, %d facts", len(old.Translations), len(old.Facts))
	}
}
