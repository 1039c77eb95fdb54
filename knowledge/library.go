package knowledge

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Library serves answers from the current index and rebuilds it from the
// sources on demand. A rebuild writes a new store atomically and swaps the
// new index in only once it is complete, so questions keep being answered
// from the old facts throughout, and a failed rebuild leaves them serving.
type Library struct {
	sourcesDir string // empty: the embedded sources
	dbPath     string // empty: an in-memory store
	current    atomic.Pointer[Index]
	reload     sync.Mutex // one rebuild at a time; guards ownWrite
	// ownWrite is the store file as this library last wrote it, so that
	// WatchStore does not reload our own rebuilds.
	ownWrite storeStamp
}

// ReloadReport says what a rebuild changed.
type ReloadReport struct {
	Sources  int
	Facts    int
	Added    int
	Removed  int
	Changed  int // facts reworded in place
	Duration time.Duration
}

// NewLibrary opens a library. With a store path it answers from that store
// when it is usable, building it from the sources when it is missing or
// unusable; with neither a sources directory nor a store it answers from the
// embedded article.
func NewLibrary(ctx context.Context, sourcesDir, dbPath string) (*Library, error) {
	l := &Library{sourcesDir: sourcesDir, dbPath: dbPath}
	if dbPath != "" {
		if _, err := l.loadStore(ctx); err == nil {
			l.ownWrite, _ = statStore(dbPath)
			return l, nil
		}
	}
	if _, err := l.Reload(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// Index returns the index currently serving. It never changes under the
// caller: a reload swaps in a new one.
func (l *Library) Index() *Index { return l.current.Load() }

// Reload re-reads the sources, rebuilds the store and swaps in the new
// index. On any error the previous index keeps serving and the error names
// the file and line at fault.
func (l *Library) Reload(ctx context.Context) (ReloadReport, error) {
	l.reload.Lock()
	defer l.reload.Unlock()
	return l.rebuild(ctx)
}

func (l *Library) rebuild(ctx context.Context) (ReloadReport, error) {
	start := time.Now()
	var fsys fs.FS = DefaultSources()
	if l.sourcesDir != "" {
		fsys = os.DirFS(l.sourcesDir)
	}
	c, err := LoadCorpus(ctx, fsys)
	if err != nil {
		return ReloadReport{}, fmt.Errorf("reload: %w", err)
	}
	// Index first: only a corpus that indexes is written over the store,
	// so the file on disk and the facts served never disagree.
	ix, err := indexSafely(c)
	if err != nil {
		return ReloadReport{}, fmt.Errorf("reload: %w", err)
	}
	if l.dbPath != "" {
		if _, err := Build(ctx, l.dbPath, c); err != nil {
			return ReloadReport{}, fmt.Errorf("reload: %w", err)
		}
		l.ownWrite, _ = statStore(l.dbPath)
	}
	return l.swap(ix, start), nil
}

// indexSafely is NewIndex turning a panic into an error, so that a source
// that trips a bug in the matcher fails the reload instead of the process.
func indexSafely(c *Corpus) (ix *Index, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("index the sources: internal error: %v", p)
		}
	}()
	return NewIndex(c), nil
}

// swap puts ix in service and reports how it differs from the index it
// replaces.
func (l *Library) swap(ix *Index, start time.Time) ReloadReport {
	var old *Corpus
	if prev := l.current.Load(); prev != nil {
		old = prev.corpus
	}
	diff := ix.corpus.DiffFrom(old)
	l.current.Store(ix)
	return ReloadReport{
		Sources: len(ix.corpus.Sources), Facts: len(ix.corpus.Facts),
		Added: len(diff.Added), Removed: len(diff.Removed), Changed: len(diff.Changed), Duration: time.Since(start),
	}
}

// ErrNoSourcesDir is returned when a source is added to a library that
// serves the embedded sources, which cannot be changed.
var ErrNoSourcesDir = errors.New("no sources directory is configured, so sources cannot be added")

// AddSource validates one source document, stores it in the sources
// directory (replacing a file of the same name) and reloads. A document
// that does not parse is refused before anything is written; if the reload
// fails, the previous file is put back and the old facts keep serving.
func (l *Library) AddSource(ctx context.Context, name string, data []byte) (ReloadReport, error) {
	if l.sourcesDir == "" {
		return ReloadReport{}, ErrNoSourcesDir
	}
	if name != filepath.Base(name) || strings.HasPrefix(name, ".") || !(IsSourceFile(name) || name == VocabularyFile) {
		return ReloadReport{}, fmt.Errorf("add source: %q is not a source file name (.txt, .md, .yaml, or %s)", name, VocabularyFile)
	}
	var err error
	if name == VocabularyFile {
		_, err = ParseVocabulary(name, data)
	} else {
		_, err = ParseSource(name, data)
	}
	if err != nil {
		return ReloadReport{}, fmt.Errorf("add source: %w", err)
	}

	l.reload.Lock()
	defer l.reload.Unlock()
	path := filepath.Join(l.sourcesDir, name)
	previous, readErr := os.ReadFile(path)
	if readErr != nil && !errors.Is(readErr, fs.ErrNotExist) {
		return ReloadReport{}, fmt.Errorf("add source: %w", readErr)
	}
	existed := readErr == nil
	if err := writeFileAtomic(path, data); err != nil {
		return ReloadReport{}, fmt.Errorf("add source: %w", err)
	}
	rep, err := l.rebuild(ctx)
	if err != nil {
		var undo error
		if existed {
			undo = writeFileAtomic(path, previous)
		} else {
			undo = os.Remove(path)
		}
		if undo != nil {
			err = errors.Join(err, fmt.Errorf("put back the previous %s: %w", name, undo))
		}
		return ReloadReport{}, err
	}
	return rep, nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path, so readers never see a half-written file.
func writeFileAtomic(path string, data []byte) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// storeStamp identifies one version of the store file.
type storeStamp struct {
	size    int64
	modTime time.Time
}

func statStore(path string) (storeStamp, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return storeStamp{}, false
	}
	return storeStamp{fi.Size(), fi.ModTime()}, true
}

// WatchStore polls the store file every interval until ctx ends, and when
// something else (`agreementbot ingest`) has replaced it, loads the new
// facts and swaps them in. report is called after each such reload. It
// does nothing for a library without a store file.
func (l *Library) WatchStore(ctx context.Context, interval time.Duration, report func(ReloadReport, error)) {
	if l.dbPath == "" {
		return
	}
	l.reload.Lock()
	last, _ := statStore(l.dbPath)
	l.reload.Unlock()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.reload.Lock()
		now, ok := statStore(l.dbPath)
		if !ok || now == last || l.ownWrite == now {
			last = now
			l.reload.Unlock()
			continue
		}
		last = now
		rep, err := l.loadStore(ctx)
		l.reload.Unlock()
		report(rep, err)
	}
}

// loadStore swaps in the facts of the store file as it is now.
func (l *Library) loadStore(ctx context.Context) (ReloadReport, error) {
	start := time.Now()
	s, err := OpenStore(ctx, l.dbPath)
	if err != nil {
		return ReloadReport{}, fmt.Errorf("reload from store: %w", err)
	}
	c, err := s.Corpus(ctx)
	s.Close()
	if err != nil {
		return ReloadReport{}, fmt.Errorf("reload from store: %w", err)
	}
	ix, err := indexSafely(c)
	if err != nil {
		return ReloadReport{}, fmt.Errorf("reload from store: %w", err)
	}
	return l.swap(ix, start), nil
}
