package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

// newTestLibrary copies the article into a sources directory and opens a
// library over it with a store file.
func newTestLibrary(t *testing.T) (*Library, string) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "sources")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	raw, err := fs.ReadFile(source.DefaultSources(), "trilateral-migration-2024-02-28.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "article.txt"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := New(t.Context(), src, filepath.Join(dir, "facts.db"))
	if err != nil {
		t.Fatal(err)
	}
	return l, src
}

func firstFact(t *testing.T, l *Library, q string) string {
	t.Helper()
	ans, err := l.Index().Answer(t.Context(), q, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered {
		return ""
	}
	return ans.Facts[0].Text
}

func TestLibraryReloadAddsFacts(t *testing.T) {
	l, src := newTestLibrary(t)
	q := "Where did the working group first meet in Mexico City?"
	notes := "source: {title: Admin notes, date: 2024-03-05}\nfacts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n"
	if err := os.WriteFile(filepath.Join(src, "notes.yaml"), []byte(notes), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := l.Reload(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1 || rep.Removed != 0 || rep.Sources != 2 {
		t.Errorf("report = %+v, want 1 added, 0 removed, 2 sources", rep)
	}
	if got := firstFact(t, l, q); !strings.Contains(got, "Mexico City") {
		t.Errorf("after reload, first fact = %q", got)
	}
}

func TestLibraryFailedReloadKeepsServing(t *testing.T) {
	l, src := newTestLibrary(t)
	before := l.Index()
	if err := os.WriteFile(filepath.Join(src, "broken.md"), []byte("---\ndate: yesterday\n---\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := l.Reload(t.Context())
	if err == nil || !strings.Contains(err.Error(), "broken.md:2") {
		t.Fatalf("error = %v, want one naming broken.md:2", err)
	}
	if l.Index() != before {
		t.Error("a failed reload replaced the index")
	}
	if got := firstFact(t, l, "Where did the ministers meet?"); !fold.Contains(got, "Washington") {
		t.Errorf("old facts no longer answer: %q", got)
	}
}

func TestLibraryAddSource(t *testing.T) {
	l, src := newTestLibrary(t)
	if _, err := l.AddSource(t.Context(), "../escape.txt", []byte("x")); err == nil {
		t.Error("a path outside the sources directory was accepted")
	}
	if _, err := l.AddSource(t.Context(), "bad.md", []byte("---\ntitle: [\n---\nx\n")); err == nil {
		t.Error("a broken document was accepted")
	}
	if _, err := os.Stat(filepath.Join(src, "bad.md")); !os.IsNotExist(err) {
		t.Error("a refused document was written")
	}
	doc := "---\ntitle: Follow-up\ndate: 2024-03-10\n---\nThe ministers will meet again in Guatemala City in April.\n"
	rep, err := l.AddSource(t.Context(), "follow-up.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 1 {
		t.Errorf("report = %+v", rep)
	}
	if got := firstFact(t, l, "When will the ministers meet again in Guatemala City?"); !strings.Contains(got, "April") {
		t.Errorf("first fact = %q", got)
	}
}

// TestLibraryAnswersDuringReload asks questions from many goroutines while
// reloading: every answer must come from a complete index (run with -race).
func TestLibraryAnswersDuringReload(t *testing.T) {
	l, _ := newTestLibrary(t)
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for range 8 {
		wg.Go(func() {
			for ctx.Err() == nil {
				got := firstFact(t, l, "Where did the ministers meet?")
				if !fold.Contains(got, "Washington") {
					errs <- got
					return
				}
			}
		})
	}
	for range 5 {
		if _, err := l.Reload(t.Context()); err != nil {
			t.Error(err)
		}
	}
	cancel()
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("answer during reload: %q", e)
	}
}

// TestLibraryWatchStore checks that a store rebuilt by another process
// (agreementbot ingest) is picked up, and the library's own rebuilds are not
// reloaded twice.
func TestLibraryWatchStore(t *testing.T) {
	l, src := newTestLibrary(t)
	reports := make(chan knowledge.ReloadReport, 4)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go l.WatchStore(ctx, 20*time.Millisecond, func(r knowledge.ReloadReport, err error) {
		if err != nil {
			t.Error(err)
		}
		reports <- r
	})
	if _, err := l.Reload(t.Context()); err != nil { // our own write
		t.Fatal(err)
	}
	notes := "facts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n"
	if err := os.WriteFile(filepath.Join(src, "notes.yaml"), []byte(notes), 0o644); err != nil {
		t.Fatal(err)
	}
	ingest(t, src, l.dbPath, src)
	select {
	case r := <-reports:
		if r.Added != 1 {
			t.Errorf("report = %+v, want 1 added", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the watcher did not pick up the rebuilt store")
	}
	if got := firstFact(t, l, "Where did the working group first meet?"); !strings.Contains(got, "Mexico City") {
		t.Errorf("first fact = %q", got)
	}
}

// TestLibraryReloadCountsChangedFacts rewords one sentence of the article:
// the reload reports one changed fact, not one added and one removed.
func TestLibraryReloadCountsChangedFacts(t *testing.T) {
	l, src := newTestLibrary(t)
	path := filepath.Join(src, "article.txt")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(raw), "a record number", "an all-time record", 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := l.Reload(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changed != 1 || rep.Added != 0 || rep.Removed != 0 {
		t.Errorf("report = %+v, want exactly one changed fact", rep)
	}
}

// ingest builds the store at db from the sources in dir, recording origin,
// as `agreementbot ingest` does.
func ingest(t *testing.T, dir, db, origin string) {
	t.Helper()
	c, err := source.LoadCorpus(t.Context(), os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	c.Origin = origin
	if _, err := BuildStore(t.Context(), db, c); err != nil {
		t.Fatal(err)
	}
}

// TestLibraryReloadNeverReplacesIngestedStore is the data-loss bug of a
// library with no sources directory configured: a reload (from /reload or
// SIGHUP) must rebuild an ingested store from the sources it was built
// from, or refuse and keep serving; never rebuild it from the embedded
// article.
func TestLibraryReloadNeverReplacesIngestedStore(t *testing.T) {
	notes := "source: {title: Admin notes}\nfacts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n"
	const q = "Where did the working group first meet?"
	setup := func(t *testing.T, origin func(dir string) string) (*Library, string, string) {
		dir := sourcesDir(t, map[string]string{"notes.yaml": notes})
		db := filepath.Join(t.TempDir(), "facts.db")
		ingest(t, dir, db, origin(dir))
		l, err := New(t.Context(), "", db) // no sources configured
		if err != nil {
			t.Fatal(err)
		}
		if got := firstFact(t, l, q); !strings.Contains(got, "Mexico City") {
			t.Fatalf("the ingested store is not served: %q", got)
		}
		return l, dir, db
	}

	t.Run("reloads from the recorded directory", func(t *testing.T) {
		l, dir, _ := setup(t, func(dir string) string { return dir })
		more := "facts:\n  - text: The second meeting will be held in Guatemala City in April.\n"
		if err := os.WriteFile(filepath.Join(dir, "more.yaml"), []byte(more), 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := l.Reload(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if rep.Facts != 2 || rep.Added != 1 || rep.Removed != 0 {
			t.Errorf("report = %+v, want the two facts of the recorded sources", rep)
		}
		if got := firstFact(t, l, q); !strings.Contains(got, "Mexico City") {
			t.Errorf("after reload, first fact = %q", got)
		}
	})

	refused := map[string]func(dir string) string{
		"recorded directory gone": func(dir string) string { return dir + "-gone" },
		"no origin recorded":      func(string) string { return "" },
	}
	for name, origin := range refused {
		t.Run(name, func(t *testing.T) {
			l, _, db := setup(t, origin)
			before, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			_, err = l.Reload(t.Context())
			if !errors.Is(err, ErrUnknownSources) || !strings.Contains(err.Error(), "set sources") {
				t.Fatalf("Reload = %v, want a refusal that says what to configure", err)
			}
			if after, _ := os.ReadFile(db); string(after) != string(before) {
				t.Error("a refused reload changed the store file")
			}
			if got := firstFact(t, l, q); !strings.Contains(got, "Mexico City") {
				t.Errorf("after a refused reload, first fact = %q", got)
			}
		})
	}
}

// TestLibraryEmbeddedReloads checks that a library serving the embedded
// article, with or without a store file, still reloads it.
func TestLibraryEmbeddedReloads(t *testing.T) {
	for _, db := range []string{"", filepath.Join(t.TempDir(), "facts.db")} {
		l, err := New(t.Context(), "", db)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Reload(t.Context()); err != nil {
			t.Errorf("db %q: %v", db, err)
		}
		if got := firstFact(t, l, "Where did the ministers meet?"); !fold.Contains(got, "Washington") {
			t.Errorf("db %q: first fact = %q", db, got)
		}
	}
}

// TestLibraryNeverOverwritesAStoreItCannotOpen is the first way the
// data-loss bug could come back: a store of another schema version (after
// an upgrade) cannot be opened, and must be rebuilt from the sources it
// records, or refused, never from the embedded article.
func TestLibraryNeverOverwritesAStoreItCannotOpen(t *testing.T) {
	notes := "facts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n"
	for _, keepSources := range []bool{true, false} {
		dir := sourcesDir(t, map[string]string{"notes.yaml": notes})
		db := filepath.Join(t.TempDir(), "facts.db")
		ingest(t, dir, db, dir)
		setUserVersion(t, db, 99) // not a version this build reads
		if !keepSources {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}
		before, _ := os.ReadFile(db)
		l, err := New(t.Context(), "", db)
		if !keepSources {
			if !errors.Is(err, ErrUnknownSources) {
				t.Errorf("sources gone: New = %v, want ErrUnknownSources", err)
			}
			if after, _ := os.ReadFile(db); string(after) != string(before) {
				t.Error("sources gone: the store was overwritten")
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := firstFact(t, l, "Where did the working group first meet?"); !strings.Contains(got, "Mexico City") {
			t.Errorf("rebuilt from the recorded sources, first fact = %q", got)
		}
		if origin := storeOrigin(t, db); origin != dir {
			t.Errorf("store origin %q after the rebuild, want %q", origin, dir)
		}
	}
}

// TestLibraryReloadAfterIngest is the second way: a bot started without a
// store (so serving the embedded article) whose store is then built by
// `agreementbot ingest` must reload those sources, even before its watcher
// notices, and its watcher must notice an ingest made before it started.
func TestLibraryReloadAfterIngest(t *testing.T) {
	notes := "facts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n"
	dir := sourcesDir(t, map[string]string{"notes.yaml": notes})
	db := filepath.Join(t.TempDir(), "facts.db")
	l, err := New(t.Context(), "", db) // no store yet: the embedded article
	if err != nil {
		t.Fatal(err)
	}
	ingest(t, dir, db, dir)
	if _, err := l.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if origin := storeOrigin(t, db); origin != dir {
		t.Errorf("after a reload, store origin %q, want the ingested %q", origin, dir)
	}
	if got := firstFact(t, l, "Where did the working group first meet?"); !strings.Contains(got, "Mexico City") {
		t.Errorf("after a reload, first fact = %q", got)
	}

	// An ingest between New and the watcher's start is picked up.
	l2, err := New(t.Context(), "", filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	ingest(t, dir, l2.dbPath, dir)
	reports := make(chan error, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go l2.WatchStore(ctx, 10*time.Millisecond, func(_ knowledge.ReloadReport, err error) {
		select {
		case reports <- err:
		default:
		}
	})
	select {
	case err := <-reports:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the watcher missed an ingest made before it started")
	}
	if got := firstFact(t, l2, "Where did the working group first meet?"); !strings.Contains(got, "Mexico City") {
		t.Errorf("after the watcher's reload, first fact = %q", got)
	}
}

// setUserVersion sets the schema version SQLite records in a store.
func setUserVersion(t *testing.T, path string, v int) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
		t.Fatal(err)
	}
}

// storeOrigin reads the origin a store records.
func storeOrigin(t *testing.T, path string) string {
	t.Helper()
	origin, err := sqlite.ReadOrigin(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return origin
}

// sourcesDir makes a sources directory holding files, by name.
func sourcesDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sources")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLibraryRefresh checks that Refresh loads a store rebuilt elsewhere
// once, and neither the library's own rebuild nor a version already loaded.
func TestLibraryRefresh(t *testing.T) {
	l, src := newTestLibrary(t)
	if _, loaded, err := l.Refresh(t.Context()); loaded || err != nil {
		t.Fatalf("nothing changed: Refresh loaded %v, %v", loaded, err)
	}
	if _, err := l.Reload(t.Context()); err != nil { // our own rebuild
		t.Fatal(err)
	}
	if _, loaded, _ := l.Refresh(t.Context()); loaded {
		t.Error("Refresh loaded the library's own rebuild")
	}
	notes := "facts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n"
	if err := os.WriteFile(filepath.Join(src, "notes.yaml"), []byte(notes), 0o644); err != nil {
		t.Fatal(err)
	}
	ingest(t, src, l.dbPath, src) // as another replica or agreementbot ingest would
	rep, loaded, err := l.Refresh(t.Context())
	if !loaded || err != nil || rep.Added != 1 {
		t.Fatalf("after an ingest: Refresh = %+v, %v, %v; want the new fact loaded", rep, loaded, err)
	}
	if _, loaded, _ := l.Refresh(t.Context()); loaded {
		t.Error("Refresh loaded the same version twice")
	}
}

// TestLibraryLoadsPreparedIndex checks that a library loads a store's
// facts through the prepared index the store keeps, and that a store
// without one (built before it was kept) or with a stale one (made by
// another analysis) is analysed again, with a log line saying why, and
// answers the same.
func TestLibraryLoadsPreparedIndex(t *testing.T) {
	c, err := source.LoadCorpus(t.Context(), source.DefaultSources())
	if err != nil {
		t.Fatal(err)
	}
	c.Origin = knowledge.OriginEmbedded
	_, fresh, err := match.BuildPrepared(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	stale := *fresh
	stale.Fingerprint = "a0-made-by-an-older-build"
	want := match.NewIndex(c)
	qs := []string{"Who hosted the foreign ministers?", "Wher did they meet?", "¿Qué acordaron crear?", "What is the tallest mountain?"}
	for _, tt := range []struct {
		name     string
		prepared *knowledge.Prepared
		log      string // "": none
	}{
		{"fresh", fresh, ""},
		{"none", nil, "holds none"},
		{"stale", &stale, "another analysis"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "facts.db")
			if _, err := sqlite.Build(t.Context(), db, c, tt.prepared); err != nil {
				t.Fatal(err)
			}
			var log strings.Builder
			l, err := New(t.Context(), "", db, WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.log == "" && log.Len() > 0:
				t.Errorf("loading a fresh prepared index logged %q", log.String())
			case tt.log != "" && (!strings.Contains(log.String(), "analysing every fact") || !strings.Contains(log.String(), tt.log)):
				t.Errorf("log %q should say the facts are analysed because %q", log.String(), tt.log)
			}
			for _, q := range qs {
				got, err := l.Index().Answer(t.Context(), q, knowledge.Options{Top: knowledge.MaxTop, Explain: true})
				if err != nil {
					t.Fatal(err)
				}
				w, _ := want.Answer(t.Context(), q, knowledge.Options{Top: knowledge.MaxTop, Explain: true})
				if !reflect.DeepEqual(got, w) {
					t.Errorf("%q: the library answers\n%+v\nthe full analysis\n%+v", q, got, w)
				}
			}
		})
	}
}

// TestStoreNeverWrittenOverOtherFiles is issue 13's data loss: a store
// path that names a document (one of the sources, or any file that is not
// an agreementbot store) is refused by every writer, ingest's BuildStore,
// a library opening it and a reload (/reload, SIGHUP), and the file is
// left byte for byte as it was; a store path that a reload would read as a
// source is refused too, even while nothing is there.
func TestStoreNeverWrittenOverOtherFiles(t *testing.T) {
	const club = "# Club rules\n\nMembers meet on Tuesdays at the library.\n"
	unchanged := func(t *testing.T, path, want string) {
		t.Helper()
		if got, err := os.ReadFile(path); err != nil || string(got) != want {
			t.Errorf("%s changed (%v): now %d bytes", path, err, len(got))
		}
	}
	t.Run("ingest", func(t *testing.T) {
		dir := sourcesDir(t, map[string]string{"club.md": club})
		notes := filepath.Join(t.TempDir(), "notes.txt")
		if err := os.WriteFile(notes, []byte("my notes"), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := source.LoadCorpus(t.Context(), os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		c.Origin = dir
		for path, want := range map[string]error{
			filepath.Join(dir, "club.md"):   sqlite.ErrNotStore,
			notes:                           sqlite.ErrNotStore,
			filepath.Join(dir, "new.md"):    ErrStoreInSources,
			filepath.Join(dir, "more.yaml"): ErrStoreInSources,
		} {
			before, _ := os.ReadFile(path)
			if _, err := BuildStore(t.Context(), path, c); !errors.Is(err, want) {
				t.Errorf("BuildStore over %s = %v, want %v", path, err, want)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Errorf("%s changed", path)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "new.md")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a refused store was written in the sources directory (%v)", err)
		}
		if _, err := BuildStore(t.Context(), filepath.Join(dir, "facts.db"), c); err != nil {
			t.Errorf("a store beside the sources, under a name no source has: %v", err)
		}
	})
	t.Run("opening", func(t *testing.T) {
		dir := sourcesDir(t, map[string]string{"club.md": club})
		for _, sources := range []string{dir, ""} {
			if _, err := New(t.Context(), sources, filepath.Join(dir, "club.md")); !errors.Is(err, sqlite.ErrNotStore) {
				t.Errorf("sources %q: New over a source = %v, want a refusal", sources, err)
			}
			unchanged(t, filepath.Join(dir, "club.md"), club)
		}
	})
	t.Run("reload", func(t *testing.T) {
		l, src := newTestLibrary(t)
		ix := l.Index()
		renameInto(t, l.dbPath, []byte(club)) // a careless copy
		if _, err := l.Reload(t.Context()); !errors.Is(err, sqlite.ErrNotStore) || !strings.Contains(err.Error(), l.dbPath) {
			t.Errorf("Reload over a document = %v, want a refusal naming %s", err, l.dbPath)
		}
		if _, err := l.AddSource(t.Context(), "notes.yaml", []byte(mexicoNotes)); !errors.Is(err, sqlite.ErrNotStore) {
			t.Errorf("AddSource over a document = %v, want a refusal", err)
		}
		unchanged(t, l.dbPath, club)
		if _, err := os.Stat(filepath.Join(src, "notes.yaml")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the refused source was left in the sources directory (%v)", err)
		}
		if l.Index() != ix {
			t.Error("a refused reload replaced the index")
		}
	})
}

// TestLibraryCreatesMissingSourcesWithArticle is issue 13's lost article:
// a configured sources directory that does not exist yet is created
// holding the article as an ordinary file, so that a document added with
// /reload is served beside the article, not instead of it; and an admin
// who deletes the article's file is answered from their documents alone.
func TestLibraryCreatesMissingSourcesWithArticle(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "data", "sources") // its parent is missing too
	var logs strings.Builder
	l, err := New(t.Context(), dir, filepath.Join(root, "facts.db"), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	article := filepath.Join(dir, "trilateral-migration-2024-02-28.txt")
	if fi, err := os.Stat(article); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("the article is not an ordinary file in the new sources directory (%v)", err)
	}
	if !strings.Contains(logs.String(), "created the sources directory") {
		t.Errorf("the creation is not logged:\n%s", logs.String())
	}
	if _, err := l.AddSource(t.Context(), "notes.yaml", []byte(mexicoNotes)); err != nil {
		t.Fatal(err)
	}
	if got := firstFact(t, l, mexicoQuestion); !strings.Contains(got, "Mexico City") {
		t.Errorf("the added document is not served: %q", got)
	}
	if got := firstFact(t, l, "Where did the ministers meet?"); !fold.Contains(got, "Washington") {
		t.Errorf("the article was lost when a document was added: %q", got)
	}
	if err := os.Remove(article); err != nil {
		t.Fatal(err)
	}
	rep, err := l.Reload(t.Context())
	if err != nil || rep.Sources != 1 {
		t.Fatalf("after deleting the article: Reload = %+v, %v; want the one document", rep, err)
	}
	// A second start finds the directory and leaves it as the admin left it.
	if _, err := New(t.Context(), dir, filepath.Join(root, "facts.db")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(article); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the deleted article came back (%v)", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("beside the sources directory: %v, want nothing left over", entries)
	}
}

// TestLibraryReloadReportsSkippedFiles: a reload says, in its report and
// its log, which files of the sources directory it did not read, and why.
func TestLibraryReloadReportsSkippedFiles(t *testing.T) {
	dir := sourcesDir(t, map[string]string{"notes.yaml": mexicoNotes, "photo.jpg": "\xff\xd8\xff"})
	if err := os.Mkdir(filepath.Join(dir, "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	l, err := New(t.Context(), dir, filepath.Join(t.TempDir(), "facts.db"), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := l.Reload(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := []knowledge.SkippedFile{{Name: "old", Reason: knowledge.SkipDirectory}, {Name: "photo.jpg", Reason: knowledge.SkipType}}
	if !reflect.DeepEqual(rep.Skipped, want) {
		t.Errorf("report's Skipped = %v, want %v", rep.Skipped, want)
	}
	for _, line := range []string{"file=photo.jpg", "not a source type", "file=old", "a directory"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("the log lacks %q:\n%s", line, logs.String())
		}
	}
}

// TestSuggestionsComeFromTheSourcesServed checks that a store built only
// from a club's own rules declines a question it cannot answer with
// suggestions drawn from those rules (their headings), none of the embedded
// article's topics or names, and that its prepared index is made for, and
// loaded with, the vocabulary it uses; a store with the article still
// suggests the article's topics.
func TestSuggestionsComeFromTheSourcesServed(t *testing.T) {
	article := source.DefaultVocabulary()
	articleWords := slices.Clone(article.Topics)
	for _, e := range article.Entities {
		articleWords = append(articleWords, e.Display)
	}
	rules, err := os.ReadFile(filepath.Join("testdata", "chess-club", "club-rules.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(rules), "treasurer") {
		t.Fatal("the rules should not name a treasurer")
	}
	headings := []string{"Membership", "Club nights", "Tournaments", "Officers"}
	t.Run("a club's rules", func(t *testing.T) {
		dir := t.TempDir()
		db := filepath.Join(dir, "facts.db")
		if _, err := New(t.Context(), "testdata/chess-club", db); err != nil {
			t.Fatal(err)
		}
		var log strings.Builder
		l, err := New(t.Context(), "testdata/chess-club", db, WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
		if err != nil {
			t.Fatal(err)
		}
		if log.Len() > 0 {
			t.Errorf("loading the club's store analysed it again: %s", log.String())
		}
		s, err := sqlite.Open(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Prepared(t.Context())
		s.Close()
		if err != nil || p == nil {
			t.Fatalf("prepared index: %v, %v", p, err)
		}
		if p.Fingerprint != match.Fingerprint(source.CommonVocabulary()) || p.Fingerprint == match.Fingerprint(article) {
			t.Errorf("the club's prepared index has fingerprint %s, want the common vocabulary's %s (the article's is %s)",
				p.Fingerprint, match.Fingerprint(source.CommonVocabulary()), match.Fingerprint(article))
		}
		for _, q := range []string{"Who is the club treasurer?", "What is the tallest mountain in the world?"} {
			ans, err := l.Index().Answer(t.Context(), q, knowledge.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if ans.Answered || len(ans.Suggestions) == 0 {
				t.Errorf("%q: answered %v, suggestions %q; want declined, with suggestions", q, ans.Answered, ans.Suggestions)
			}
			for _, s := range ans.Suggestions {
				if slices.Contains(articleWords, s) || !slices.Contains(headings, s) {
					t.Errorf("%q: suggestion %q is not one of the rules' headings %q", q, s, headings)
				}
			}
		}
		for _, s := range l.Index().Complete("", 25) {
			if slices.Contains(articleWords, s) {
				t.Errorf("the club's store completes with the article's %q", s)
			}
		}
	})
	t.Run("the article", func(t *testing.T) {
		l, _ := newTestLibrary(t)
		ans, err := l.Index().Answer(t.Context(), "What is the tallest mountain in the world?", knowledge.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Answered || len(ans.Suggestions) == 0 || !slices.Contains(article.Topics, ans.Suggestions[0]) {
			t.Errorf("the article's store suggests %q, want its topics", ans.Suggestions)
		}
	})
}

// TestLibraryRefreshRetriesAFailedLoad checks that a store version whose
// load failed for a passing reason (here, a load cut short) is loaded on
// a later Refresh, and that a version that keeps failing is given up
// after maxStoreLoadAttempts until the file changes.
func TestLibraryRefreshRetriesAFailedLoad(t *testing.T) {
	l, src := newTestLibrary(t)
	notes := "facts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n"
	if err := os.WriteFile(filepath.Join(src, "notes.yaml"), []byte(notes), 0o644); err != nil {
		t.Fatal(err)
	}
	ingest(t, src, l.dbPath, src)
	cut, cancel := context.WithCancel(t.Context())
	cancel()
	if _, loaded, err := l.Refresh(cut); loaded || err == nil {
		t.Fatalf("a load cut short: loaded %v, %v; want an error", loaded, err)
	}
	if rep, loaded, err := l.Refresh(t.Context()); !loaded || err != nil || rep.Added != 1 {
		t.Fatalf("the next Refresh = %+v, %v, %v; want the new fact loaded", rep, loaded, err)
	}
	ingest(t, src, l.dbPath, src)
	for i := range maxStoreLoadAttempts {
		if _, _, err := l.Refresh(cut); err == nil {
			t.Fatalf("attempt %d of a load cut short: no error", i+1)
		}
	}
	if _, loaded, err := l.Refresh(t.Context()); loaded || err != nil {
		t.Errorf("after %d failures: Refresh loaded %v, %v; want the version given up", maxStoreLoadAttempts, loaded, err)
	}
}

// TestLibraryRemoveSource removes a source and reloads, reports what went
// in LastReload, refuses names outside the sources directory and files
// that are not there, and puts a file back when the reload without it
// fails (here: the last source, leaving none).
func TestLibraryRemoveSource(t *testing.T) {
	l, src := newTestLibrary(t)
	if _, ok := l.LastReload(); ok {
		t.Error("LastReload reports the facts New loaded as a reload")
	}
	doc := "---\ntitle: Follow-up\ndate: 2024-03-10\n---\nThe ministers will meet again in Guatemala City in April.\n"
	added, err := l.AddSource(t.Context(), "follow-up.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if last, ok := l.LastReload(); !ok || len(last.Diff.Added) != 1 || last.Diff.Added[0] != added.Diff.Added[0] || last.At.IsZero() {
		t.Errorf("LastReload after AddSource = %+v, %v", last, ok)
	}
	for _, name := range []string{"../escape.txt", "facts.db", ".hidden.md", "missing.md"} {
		if _, err := l.RemoveSource(t.Context(), name); err == nil {
			t.Errorf("RemoveSource(%q) succeeded", name)
		}
	}
	rep, err := l.RemoveSource(t.Context(), "follow-up.md")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Removed != 1 || len(rep.Gone) != 1 || !strings.Contains(rep.Gone[0].Text, "Guatemala City in April") {
		t.Errorf("report = %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(src, "follow-up.md")); !os.IsNotExist(err) {
		t.Errorf("the file is still there: %v", err)
	}
	if last, _ := l.LastReload(); last.Removed != 1 {
		t.Errorf("LastReload after RemoveSource = %+v", last)
	}
	if _, err := l.RemoveSource(t.Context(), "article.txt"); err == nil {
		t.Fatal("removing the last source succeeded")
	}
	if _, err := os.Stat(filepath.Join(src, "article.txt")); err != nil {
		t.Errorf("the last source was not put back: %v", err)
	}
	if got := firstFact(t, l, "Where did the ministers meet?"); !fold.Contains(got, "Washington") {
		t.Errorf("old facts no longer answer: %q", got)
	}
}
