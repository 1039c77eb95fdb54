// Package atomicfile replaces files so that a reader sees either the old
// file or the new one whole, never a half-written one, and a failed write
// leaves the old file as it was. The fact store and uploaded sources are
// both written this way.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Replace writes a new version of the file at path. It creates an empty
// temporary file beside path (same directory, so the rename cannot cross
// file systems), lets write fill it by name, flushes it to disk and renames
// it over path. If write or any later step fails, the temporary file is
// removed and path is untouched.
func Replace(path string, write func(tmpPath string) error) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp) // a no-op once renamed
	if err := write(tmp); err != nil {
		return err
	}
	if err := syncPath(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	syncPath(dir) // best effort: not every file system syncs directories
	return nil
}

// WriteFile replaces the file at path with data, atomically.
func WriteFile(path string, data []byte) error {
	return Replace(path, func(tmp string) error {
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}

// syncPath flushes a file or directory to stable storage.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
