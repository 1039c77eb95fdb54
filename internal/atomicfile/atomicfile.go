package atomicfile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Replace writes a new version of the file at path. It creates an empty
// temporary file beside path (same directory, so the rename cannot cross
// file systems), lets write fill it by name, flushes it to disk and renames
// it over path; when path is a symbolic link, the file it points to is
// replaced and the link kept. If write or any later step fails, the temporary file is
// removed and path is untouched. ctx carries a test's fault (WithFault);
// it does not cut a replacement short, which is brief and must not be
// left half done.
func Replace(ctx context.Context, path string, write func(tmpPath string) error) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if err := injected(ctx, StepCreate, path); err != nil {
		return err
	}
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target // a link stays a link: its file is replaced
	}
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
	if err := injected(ctx, StepWrite, path); err != nil {
		return err
	}
	if err := injected(ctx, StepSync, path); err != nil {
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
func WriteFile(ctx context.Context, path string, data []byte) error {
	return Replace(ctx, path, func(tmp string) error {
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

// Step names a step of Replace at which a test can make it fail (see
// WithFault).
type Step string

// The steps of Replace.
const (
	// StepCreate is creating the temporary file: a read-only directory
	// or file system fails here.
	StepCreate Step = "create"
	// StepWrite is filling the temporary file, just after the write
	// function returned: a full disk usually fails here.
	StepWrite Step = "write"
	// StepSync is flushing the temporary file to disk: a full disk that
	// only delayed allocation noticed fails here.
	StepSync Step = "sync"
)

// faultKey is the context key of the function WithFault installs.
type faultKey struct{}

// WithFault returns a copy of ctx under which Replace and WriteFile ask
// fail, before each step, about the file being replaced, and fail with
// the error it returns, as the file system would have; nil lets the step
// go on. It is for tests of the packages that write through this one: a
// full disk, or a read-only directory for a process running as root,
// cannot be had for real in a test. The hook travels with the context of
// the one operation it is for, as net/http/httptrace's hooks do, so tests
// running at once do not see each other's faults.
func WithFault(ctx context.Context, fail func(step Step, path string) error) context.Context {
	return context.WithValue(ctx, faultKey{}, fail)
}

// injected is the error ctx's fault function gives for step on path.
func injected(ctx context.Context, step Step, path string) error {
	if fail, ok := ctx.Value(faultKey{}).(func(Step, string) error); ok && fail != nil {
		return fail(step, path)
	}
	return nil
}
