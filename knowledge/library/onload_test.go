package library

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
)

// load is one call of the WithOnLoad hook.
type load struct {
	rep     knowledge.ReloadReport
	version StoreVersion
}

// TestOnLoad checks that the WithOnLoad hook hears of every reload that
// puts new facts in service, with the version of the store file they came
// from, and of nothing else: not New's own load, nor a failed reload, nor
// a Refresh that found nothing new.
func TestOnLoad(t *testing.T) {
	src := sourcesDir(t, map[string]string{"article.txt": "The working group first met in Washington on 1 March 2024.\n"})
	db := filepath.Join(t.TempDir(), "facts.db")
	var loads []load
	l, err := New(t.Context(), src, db, WithOnLoad(func(rep knowledge.ReloadReport, v StoreVersion) {
		loads = append(loads, load{rep, v})
	}))
	if err != nil {
		t.Fatal(err)
	}
	opened := l.StoreVersion()
	if len(loads) != 0 || opened.Same(StoreVersion{}) {
		t.Fatalf("after New: %d loads told, store version %+v; want none, and a file", len(loads), opened)
	}

	if _, err := l.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(loads) != 1 || !loads[0].version.Same(l.StoreVersion()) || loads[0].version.Same(opened) || loads[0].rep.Facts != 1 {
		t.Fatalf("after a Reload: %+v; want one load, of the store it wrote", loads)
	}

	if _, err := l.AddSource(t.Context(), "notes.txt", []byte("The group met again in Mexico City on 5 March 2024.\n")); err != nil {
		t.Fatal(err)
	}
	if len(loads) != 2 || !loads[1].version.Same(l.StoreVersion()) || loads[1].rep.Added != 1 {
		t.Fatalf("after AddSource: %+v; want a second load, of the store it wrote", loads)
	}

	if err := os.WriteFile(filepath.Join(src, "broken.yaml"), []byte("facts: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Reload(t.Context()); err == nil {
		t.Fatal("a broken source reloaded")
	}
	if err := os.Remove(filepath.Join(src, "broken.yaml")); err != nil {
		t.Fatal(err)
	}
	if _, loaded, err := l.Refresh(t.Context()); loaded || err != nil || len(loads) != 2 {
		t.Fatalf("after a failed Reload and a Refresh with nothing new: loaded %v, %v, %d loads told; want 2", loaded, err, len(loads))
	}

	ingest(t, src, db, src) // as another replica or agreementbot ingest would
	if _, loaded, err := l.Refresh(t.Context()); !loaded || err != nil {
		t.Fatalf("Refresh after an ingest: loaded %v, %v", loaded, err)
	}
	if len(loads) != 3 || !loads[2].version.Same(l.StoreVersion()) || loads[2].version.Same(loads[1].version) {
		t.Fatalf("after a Refresh: %+v; want a third load, of the version ingested", loads)
	}
}

// The zero StoreVersion is no file: the same as itself, and as nothing
// else.
func TestStoreVersionSame(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "facts.db")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	file, _ := statStore(path)
	missing, ok := statStore(filepath.Join(dir, "missing.db"))
	if ok || !missing.Same(StoreVersion{}) || !(StoreVersion{}).Same(StoreVersion{}) {
		t.Errorf("no file: %+v, %v; want the zero StoreVersion", missing, ok)
	}
	if file.Same(StoreVersion{}) || (StoreVersion{}).Same(file) || !file.Same(file) {
		t.Error("a file's version is the zero StoreVersion's, or not its own")
	}
	if err := os.WriteFile(path+".new", []byte("y"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".new", path); err != nil {
		t.Fatal(err)
	}
	if replaced, _ := statStore(path); replaced.Same(file) {
		t.Error("a file replaced by a rename is the same version")
	}
}
