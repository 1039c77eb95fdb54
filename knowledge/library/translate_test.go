package library

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/syncbuf"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

// tableTranslator translates by a table (what it does not know comes
// back as it is), recording the English texts it is given (the facts and
// topics of English sources; questions are Spanish); with fail set it
// fails.
type tableTranslator struct {
	table map[string]string
	mu    sync.Mutex
	texts []string
	fail  bool
}

func (tt *tableTranslator) Translate(_ context.Context, texts []string, from, _ string) ([]string, error) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if tt.fail {
		return nil, errors.New("connection refused")
	}
	if from == "en" {
		tt.texts = append(tt.texts, texts...)
	}
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = t
		if s, ok := tt.table[t]; ok {
			out[i] = s
		}
	}
	return out, nil
}

func (tt *tableTranslator) asked() []string {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return append([]string(nil), tt.texts...)
}

// TestLibraryTranslates checks that a rebuild translates the sources'
// facts and keeps the translations in the store, that a Spanish question
// meets an English fact through them, that the next rebuild (and a
// library opened on the store) translates only what changed, and that a
// translator that fails leaves the reload to succeed, logged once.
func TestLibraryTranslates(t *testing.T) {
	const avocados = "Farmers in the highlands grow avocados for export."
	tr := &tableTranslator{table: map[string]string{
		avocados: "Los agricultores del altiplano cultivan zarpillos para la exportación.",
	}}
	src := sourcesDir(t, map[string]string{"farms.md": "# Farms\n\nThe ministers met in Washington.\n\n" + avocados + "\n"})
	db := filepath.Join(t.TempDir(), "facts.db")
	log := &syncbuf.Buffer{}
	l, err := New(t.Context(), src, db, WithTranslator(tr, time.Second), WithLogger(slog.New(slog.NewTextHandler(log, nil))))
	if err != nil {
		t.Fatal(err)
	}
	first := tr.asked() // the facts, and the vocabulary's topics
	if !slices.Contains(first, avocados) || !slices.Contains(first, "The ministers met in Washington.") {
		t.Fatalf("the first build translated %q, want the 2 facts among them", first)
	}
	if got := firstFact(t, l, "¿Quiénes cultivan zarpillos en el altiplano?"); got != avocados {
		t.Errorf("Spanish question: first fact %q, want %q", got, avocados)
	}
	if got := len(sqliteTranslations(t, db)); got != len(first) {
		t.Errorf("the store keeps %d translations, want the %d made", got, len(first))
	}

	if err := os.WriteFile(filepath.Join(src, "farms.md"), []byte("# Farms\n\nThe ministers met in Mexico City.\n\n"+avocados+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if asked := tr.asked()[len(first):]; !slices.Equal(asked, []string{"The ministers met in Mexico City."}) {
		t.Errorf("after one fact changed, translated %q; want only the changed fact", asked)
	}

	// A library opened on the store translates nothing: the store has them all.
	again := &tableTranslator{}
	l2, err := New(t.Context(), "", db, WithTranslator(again, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l2.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := len(again.asked()); n != 0 {
		t.Errorf("reloading a translated store translated %d texts again", n)
	}
	if got := firstFact(t, l2, "¿Quiénes cultivan zarpillos en el altiplano?"); got != avocados {
		t.Errorf("reopened: first fact %q, want %q", got, avocados)
	}

	tr.fail = true
	if err := os.WriteFile(filepath.Join(src, "more.md"), []byte("Heavy rain closed the roads.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Reload(t.Context()); err != nil {
		t.Fatalf("a reload with the translator down: %v", err)
	}
	if got := firstFact(t, l, "What closed the roads?"); !strings.Contains(got, "rain") {
		t.Errorf("after a reload with the translator down: first fact %q, want the new one", got)
	}
	if got := firstFact(t, l, "¿Quiénes cultivan zarpillos en el altiplano?"); got != avocados {
		t.Errorf("the translations known are kept when the translator is down: first fact %q", got)
	}
	if n := strings.Count(log.String(), "the sources were not all translated"); n != 1 {
		t.Errorf("%d log lines about the translator, want 1:\n%s", n, log.String())
	}
}

// sqliteTranslations reads the translations of the store at path.
func sqliteTranslations(t *testing.T, path string) knowledge.Translations {
	t.Helper()
	return sqlite.ReadTranslations(t.Context(), path)
}
