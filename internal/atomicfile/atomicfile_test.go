package atomicfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	for _, content := range []string{"first", "second, longer than the first"} {
		if err := WriteFile(context.Background(), path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("read back %q, %v; want %q", got, err, content)
		}
	}
	assertOnlyFile(t, dir, "a.txt")
}

func TestReplaceFailureLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "store.db")
	if err := WriteFile(context.Background(), path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Replace(context.Background(), path, func(tmp string) error {
		if err := os.WriteFile(tmp, []byte("half"), 0o600); err != nil {
			t.Fatal(err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Replace = %v, want it to wrap %v", err, boom)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("after a failed Replace the file holds %q, want %q", got, "old")
	}
	assertOnlyFile(t, dir, "store.db")
}

func TestWriteFileMissingDirectory(t *testing.T) {
	if err := WriteFile(context.Background(), filepath.Join(t.TempDir(), "no", "such", "x"), []byte("x")); err == nil {
		t.Fatal("WriteFile into a missing directory succeeded")
	}
}

// assertOnlyFile checks that no temporary file was left behind.
func assertOnlyFile(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != name {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("directory holds %v, want only %s", names, name)
	}
}

// TestWithFault checks that a failure injected at each step of Replace
// fails it with that error, leaves the old file byte for byte and no
// temporary file, and that only the context carrying it fails.
func TestWithFault(t *testing.T) {
	for _, step := range []Step{StepCreate, StepWrite, StepSync} {
		t.Run(string(step), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "store.db")
			if err := WriteFile(t.Context(), path, []byte("old")); err != nil {
				t.Fatal(err)
			}
			faulty := WithFault(t.Context(), func(s Step, p string) error {
				if s == step && p == path {
					return &os.PathError{Op: string(s), Path: p, Err: syscall.ENOSPC}
				}
				return nil
			})
			err := WriteFile(faulty, path, []byte("new"))
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("WriteFile = %v, want it to wrap ENOSPC", err)
			}
			if got, _ := os.ReadFile(path); string(got) != "old" {
				t.Fatalf("after the failure the file holds %q, want %q", got, "old")
			}
			assertOnlyFile(t, dir, "store.db")
			if err := WriteFile(t.Context(), path, []byte("new")); err != nil {
				t.Fatalf("without the fault: %v", err)
			}
		})
	}
}

// TestReplaceKeepsASymlink checks that writing through a symbolic link
// (a store path an admin linked elsewhere) replaces the file it points
// to and leaves the link a link.
func TestReplaceKeepsASymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "data", "facts.db")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "facts.db")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := WriteFile(t.Context(), link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v, %v", fi, err)
	}
	if got, err := os.ReadFile(target); err != nil || string(got) != "new" {
		t.Errorf("the linked file holds %q, %v; want the new content", got, err)
	}
}
