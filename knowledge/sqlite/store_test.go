package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

func articleCorpus(t *testing.T) *knowledge.Corpus {
	t.Helper()
	c, err := source.LoadCorpus(context.Background(), source.DefaultSources())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestStoreRoundTrip(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "facts.db")
	c := articleCorpus(t)
	rep, err := Build(ctx, path, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Facts != len(c.Facts) || rep.Sources != 1 || len(rep.Diff.Added) != len(c.Facts) {
		t.Errorf("report = %+v", rep)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Corpus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Sources, c.Sources) {
		t.Errorf("sources differ:\n got %+v\nwant %+v", got.Sources, c.Sources)
	}
	if !reflect.DeepEqual(got.Facts, c.Facts) {
		t.Errorf("facts differ after a round trip")
	}
	if !reflect.DeepEqual(got.Paragraphs, c.Paragraphs) {
		t.Errorf("paragraphs differ after a round trip")
	}
	if !reflect.DeepEqual(got.Vocabulary, c.Vocabulary) {
		t.Errorf("vocabulary differs after a round trip")
	}
}

// TestStoreFactIDsStable checks that rebuilding from unchanged text keeps
// every fact id, and that changing one sentence changes only its id.
func TestStoreFactIDsStable(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "facts.db")
	c := articleCorpus(t)
	if _, err := Build(ctx, path, c, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(ctx, path, articleCorpus(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Diff.Added)+len(rep.Diff.Removed) != 0 {
		t.Errorf("rebuild of the same sources changed facts: %+v", rep.Diff)
	}

	raw, err := fs.ReadFile(source.DefaultSources(), "trilateral-migration-2024-02-28.txt")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(raw), "a record number", "an all-time record number", 1)
	c2, err := source.LoadCorpus(context.Background(), fstest.MapFS{"trilateral-migration-2024-02-28.txt": {Data: []byte(edited)}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = Build(ctx, path, c2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Diff.Added) != 1 || len(rep.Diff.Removed) != 1 {
		t.Errorf("one edited sentence: diff = %+v, want one added and one removed", rep.Diff)
	}
}

// TestBuildFailureKeepsOldStore checks the build is atomic: when writing
// fails, the old store is untouched and no temporary file is left.
func TestBuildFailureKeepsOldStore(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "facts.db")
	if _, err := Build(ctx, path, articleCorpus(t), nil); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Two facts with one id violate the primary key: the write fails.
	bad := articleCorpus(t)
	bad.Facts = append(bad.Facts, bad.Facts[0])
	if _, err := Build(ctx, path, bad, nil); err == nil {
		t.Fatal("Build with a duplicate fact id succeeded")
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("failed build changed the existing store")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only facts.db", names)
	}
}

func TestOpenStoreErrors(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()

	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 100)), 0o644)

	foreign := filepath.Join(dir, "foreign.db")
	db, err := sql.Open("sqlite3", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	old := filepath.Join(dir, "old.db")
	if _, err := Build(ctx, old, articleCorpus(t), nil); err != nil {
		t.Fatal(err)
	}
	db, err = sql.Open("sqlite3", old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	markdown := filepath.Join(dir, "club.md")
	os.WriteFile(markdown, []byte("# Club rules\n\nMembers meet on Tuesdays.\n"), 0o644)

	// rebuild: the fix offered is to ingest over the file, which only a
	// store (or nothing) may be; a document given by mistake must not be
	// offered a command that would destroy it.
	tests := []struct {
		name, path, want string
		rebuild          bool
	}{
		{"missing", filepath.Join(dir, "missing.db"), "no such file", true},
		{"damaged", garbage, "not a readable SQLite database", false},
		{"not ours", foreign, "not an agreementbot fact store", false},
		{"a source document", markdown, "not a SQLite database", false},
		{"other version", old, "schema version 99", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(ctx, tt.path)
			if err == nil {
				t.Fatal("OpenStore succeeded")
			}
			if !errors.Is(err, ErrStore) {
				t.Errorf("error %v does not wrap ErrStore", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "agreementbot ingest") {
				t.Errorf("error %q should contain %q and say how to rebuild", err, tt.want)
			}
			if overIt := strings.Contains(err.Error(), "--db "+tt.path); overIt != tt.rebuild {
				t.Errorf("error %q: suggests ingesting over %s: %v, want %v", err, tt.path, overIt, tt.rebuild)
			}
		})
	}
}

// TestQuestionsDoNotChangeStore asks SQL-looking questions of an index
// loaded from a store file and checks the file is byte for byte the same.
func TestQuestionsDoNotChangeStore(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "facts.db")
	if _, err := Build(ctx, path, articleCorpus(t), nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Corpus(ctx)
	ix := match.NewIndex(c)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"'; DROP TABLE facts; --", `"a" NEAR b*`, "facts MATCH 'x*'", "1 OR 1=1"} {
		if _, err := ix.Answer(ctx, q, knowledge.Options{}); err != nil {
			t.Fatalf("%q: %v", q, err)
		}
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("asking questions changed the store file")
	}
}

// TestStorePreparedRoundTrip checks that a store gives back the prepared
// index it was built with, section by section (a large one cut into
// chunks, an empty one), and nil for a store built without one.
func TestStorePreparedRoundTrip(t *testing.T) {
	ctx := t.Context()
	big := make([]byte, 2*preparedChunk+123)
	for i := range big {
		big[i] = byte(i * 7)
	}
	want := &knowledge.Prepared{Fingerprint: "a1-test", Sections: []knowledge.PreparedSection{
		{Name: "header", Data: []byte(`{"format":1}`)},
		{Name: "empty", Data: nil},
		{Name: "big", Data: big},
		{Name: "small", Data: []byte{1, 2, 3}},
	}}
	for _, p := range []*knowledge.Prepared{want, nil} {
		path := filepath.Join(t.TempDir(), "facts.db")
		rep, err := Build(ctx, path, articleCorpus(t), p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Prepared(ctx)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if p == nil {
			if got != nil || rep.PreparedBytes != 0 {
				t.Errorf("a store built without a prepared index gives %v (report %d bytes)", got, rep.PreparedBytes)
			}
			continue
		}
		if rep.PreparedBytes != p.Size() {
			t.Errorf("report says %d prepared bytes, want %d", rep.PreparedBytes, p.Size())
		}
		if got == nil || got.Fingerprint != p.Fingerprint || len(got.Sections) != len(p.Sections) {
			t.Fatalf("got %+v", got)
		}
		for i, sec := range p.Sections {
			if got.Sections[i].Name != sec.Name || !bytes.Equal(got.Sections[i].Data, sec.Data) {
				t.Errorf("section %d: got %s (%d bytes), want %s (%d bytes)", i, got.Sections[i].Name, len(got.Sections[i].Data), sec.Name, len(sec.Data))
			}
		}
	}
}

// TestBuildNeverOverwritesOtherFiles builds a store over files of every
// kind: a store is written where nothing is, over an empty file and over
// an agreementbot store (damaged, of another version, or built before the
// header marked it), and refused, leaving the file byte for byte as it
// was, over anything else.
func TestBuildNeverOverwritesOtherFiles(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	store := filepath.Join(dir, "store.db")
	if _, err := Build(ctx, store, articleCorpus(t), nil); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(store)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		make    func(path string)
		refused string // what the refusal says the file is; "": built
	}{
		{"absent", func(string) {}, ""},
		{"empty", writeBytes(t, nil), ""},
		{"a store", writeBytes(t, good), ""},
		{"a store cut short", writeBytes(t, good[:len(good)/2]), ""},
		{"a store of another version", func(path string) { writeBytes(t, good)(path); execSQL(t, path, "PRAGMA user_version = 99") }, ""},
		{"a store from before the header marker", func(path string) { writeBytes(t, good)(path); execSQL(t, path, "PRAGMA application_id = 0") }, ""},
		{"a Markdown source", writeBytes(t, []byte("# Club rules\n\nMembers meet on Tuesdays.\n")), "not a SQLite database"},
		{"a text file", writeBytes(t, []byte("notes")), "not a SQLite database"},
		{"another program's database", func(path string) { execSQL(t, path, "CREATE TABLE t (x)") }, "another program"},
		{"a store's header on someone's data", writeBytes(t, append([]byte(sqliteMagic), bytes.Repeat([]byte("x"), 200)...)), "another program"},
		{"a directory", func(path string) { os.Mkdir(path, 0o755) }, "a directory"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("target%d", i))
			tt.make(path)
			before, _ := os.ReadFile(path)
			_, err := Build(ctx, path, articleCorpus(t), nil)
			if tt.refused == "" {
				if err != nil {
					t.Fatalf("Build = %v, want the store written", err)
				}
				if _, err := Open(ctx, path); err != nil {
					t.Errorf("the store written cannot be opened: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrNotStore) || !strings.Contains(err.Error(), tt.refused) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Build = %v, want a refusal naming %s and saying it is %q", err, path, tt.refused)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
				t.Error("the refused file changed")
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// writeBytes returns what writes data to a file.
func writeBytes(t *testing.T, data []byte) func(path string) {
	return func(path string) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// execSQL runs statements on the SQLite database at path, creating it.
func execSQL(t *testing.T, path, statements string) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(statements); err != nil {
		t.Fatal(err)
	}
}
