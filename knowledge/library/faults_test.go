package library

// Fault tests of the store: a damaged store file renamed into place, and
// a rebuild on a full disk or a read-only directory. In every case the
// facts served before keep serving and the store file on disk stays as it
// was.

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/agreementbot/agreementbot/internal/atomicfile"
	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

// mexicoNotes is a source whose fact the article lacks, so that a store
// built with it is told from one built without.
const mexicoNotes = "source: {title: Admin notes, date: 2024-03-05}\nfacts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n"

const mexicoQuestion = "Where did the working group first meet?"

// renameInto writes data beside path and renames it over path, as a
// careless copy, a crashed writer or a damaged disk would leave it.
func renameInto(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".incoming"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// damaged returns the good store's bytes damaged in the ways a store file
// can be: emptied, cut short, overwritten.
func damaged(good []byte) map[string][]byte {
	const page = 4096
	fill := func(b byte, from, to int) []byte {
		out := bytes.Clone(good)
		for i := from; i < to && i < len(out); i++ {
			out[i] = b
		}
		return out
	}
	return map[string][]byte{
		"empty":                   {},
		"only the header":         good[:100],
		"cut in half":             good[:len(good)/2],
		"last page missing":       good[:len(good)-page],
		"not a database":          []byte(strings.Repeat("this is not a SQLite database\n", 200)),
		"first page zeroed":       fill(0, 0, page),
		"schema page overwritten": fill(0xAA, page, 2*page),
		"data page overwritten":   fill(0xAA, len(good)/2/page*page, len(good)/2/page*page+page),
	}
}

// TestLibraryDamagedStoreKeepsServing renames damaged store files into
// place, as an interrupted copy or a failing disk would leave them: the
// library refuses each (an error that names the file and says how to
// rebuild it), keeps answering from the last good store, does not retry
// the same broken file on every tick, and loads the next good store
// renamed in.
func TestLibraryDamagedStoreKeepsServing(t *testing.T) {
	l, src := newTestLibrary(t)
	good, err := os.ReadFile(l.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range damaged(good) {
		t.Run(name, func(t *testing.T) {
			before := l.Index()
			renameInto(t, l.dbPath, data)
			_, loaded, err := l.Refresh(t.Context())
			if loaded || !errors.Is(err, sqlite.ErrStore) || !strings.Contains(err.Error(), l.dbPath) ||
				!strings.Contains(err.Error(), "agreementbot ingest") {
				t.Fatalf("Refresh = loaded %v, %v; want an unusable-store error naming %s and the fix", loaded, err, l.dbPath)
			}
			if l.Index() != before {
				t.Error("a damaged store replaced the index")
			}
			if got := firstFact(t, l, "Where did the ministers meet?"); !fold.Contains(got, "Washington") {
				t.Errorf("the last good facts no longer answer: %q", got)
			}
			if _, loaded, err := l.Refresh(t.Context()); loaded || err != nil {
				t.Errorf("the same damaged file again: loaded %v, %v; want it left alone until it changes", loaded, err)
			}
		})
	}
	if err := os.WriteFile(filepath.Join(src, "notes.yaml"), []byte(mexicoNotes), 0o644); err != nil {
		t.Fatal(err)
	}
	// A good store, renamed into place (ingest itself refuses to write
	// over a file it cannot tell for a store, as some of those above).
	ingest(t, src, l.dbPath+".new", src)
	if err := os.Rename(l.dbPath+".new", l.dbPath); err != nil {
		t.Fatal(err)
	}
	rep, loaded, err := l.Refresh(t.Context())
	if !loaded || err != nil || rep.Facts != len(l.Index().Facts()) {
		t.Fatalf("a good store after damaged ones: Refresh = %+v, %v, %v", rep, loaded, err)
	}
	if got := firstFact(t, l, mexicoQuestion); !strings.Contains(got, "Mexico City") {
		t.Errorf("after the good store, first fact = %q", got)
	}
}

// TestLibraryReloadOnFullOrReadOnlyDisk rebuilds the store, and adds a
// source, where the disk is full or the directory read-only: the reload
// fails with an error that names the store and the cause, the facts
// served before keep serving, the store file is byte for byte as it was,
// no temporary file is left behind, and a source being added is not left
// in the sources directory. A read-only directory is made for real with
// chmod unless the test runs as root (whom permissions do not stop); the
// full disk, and the read-only file system, are simulated through
// atomicfile.WithFault, failing the step where the file system would.
func TestLibraryReloadOnFullOrReadOnlyDisk(t *testing.T) {
	tests := []struct {
		name     string
		chmod    bool // make the store's directory read-only for real
		step     atomicfile.Step
		errno    syscall.Errno
		wantText string
	}{
		{name: "read-only directory", chmod: true, errno: syscall.EACCES, wantText: "permission denied"},
		{name: "read-only file system (simulated)", step: atomicfile.StepCreate, errno: syscall.EROFS, wantText: "read-only file system"},
		{name: "disk full while writing (simulated)", step: atomicfile.StepWrite, errno: syscall.ENOSPC, wantText: "no space left on device"},
		{name: "disk full at sync (simulated)", step: atomicfile.StepSync, errno: syscall.ENOSPC, wantText: "no space left on device"},
	}
	for _, tt := range tests {
		for _, upload := range []bool{false, true} {
			name := tt.name
			if upload {
				name += ", adding a source"
			}
			t.Run(name, func(t *testing.T) {
				if tt.chmod && os.Geteuid() == 0 {
					t.Skip("running as root, which a read-only directory does not stop: the simulated cases stand for it")
				}
				l, src := newTestLibrary(t)
				dir := filepath.Dir(l.dbPath)
				before, err := os.ReadFile(l.dbPath)
				if err != nil {
					t.Fatal(err)
				}
				ix := l.Index()
				if tt.chmod {
					if err := os.Chmod(dir, 0o555); err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { os.Chmod(dir, 0o755) })
				}
				ctx := t.Context()
				if !tt.chmod {
					ctx = atomicfile.WithFault(ctx, func(step atomicfile.Step, path string) error {
						if step == tt.step && strings.HasPrefix(path, dir+string(filepath.Separator)) {
							return &fs.PathError{Op: "write", Path: path, Err: tt.errno}
						}
						return nil
					})
				}
				if upload {
					_, err = l.AddSource(ctx, "notes.yaml", []byte(mexicoNotes))
				} else {
					if err := os.WriteFile(filepath.Join(src, "notes.yaml"), []byte(mexicoNotes), 0o644); err != nil {
						t.Fatal(err)
					}
					_, err = l.Reload(ctx)
				}
				if !errors.Is(err, tt.errno) || !strings.Contains(err.Error(), tt.wantText) {
					t.Fatalf("err = %v, want one wrapping %q", err, tt.wantText)
				}
				if !upload && !strings.Contains(err.Error(), l.dbPath) {
					t.Errorf("err = %v, want it to name the store %s", err, l.dbPath)
				}
				if l.Index() != ix {
					t.Error("a failed reload replaced the index")
				}
				if got := firstFact(t, l, mexicoQuestion); strings.Contains(got, "Mexico City") {
					t.Errorf("the new fact is served after a failed reload: %q", got)
				}
				if got := firstFact(t, l, "Where did the ministers meet?"); !fold.Contains(got, "Washington") {
					t.Errorf("the old facts no longer answer: %q", got)
				}
				if after, err := os.ReadFile(l.dbPath); err != nil || !bytes.Equal(after, before) {
					t.Errorf("the store file changed (%v)", err)
				}
				entries, _ := os.ReadDir(dir)
				for _, e := range entries {
					if e.Name() != "facts.db" && e.Name() != "sources" {
						t.Errorf("left behind: %s", e.Name())
					}
				}
				if _, err := os.Stat(filepath.Join(src, "notes.yaml")); upload && !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("the source being added was left in the sources directory (%v)", err)
				}
			})
		}
	}
}
