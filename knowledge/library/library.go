package library

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agreementbot/agreementbot/internal/atomicfile"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

// Library serves answers from the current index and rebuilds it from the
// sources on demand. A rebuild writes a new store atomically and swaps the
// new index in only once it is complete, so questions keep being answered
// from the old facts throughout, and a failed rebuild leaves them serving.
type Library struct {
	sourcesDir string // empty: the sources the store records, or the embedded ones
	dbPath     string // empty: no store file
	current    atomic.Pointer[match.Index]
	reload     sync.Mutex // one rebuild at a time; guards ownWrite and seen
	// ownWrite is the store file as this library last wrote it, so that
	// WatchStore does not reload our own rebuilds; seen is the version it
	// last looked at (loaded, or failed to load maxStoreLoadAttempts
	// times); failed is a version that failed to load, failures how many
	// times in a row.
	ownWrite, seen, failed StoreVersion
	failures               int
	log                    *slog.Logger
	// translator translates the sources' facts on rebuild (nil: only
	// the translations kept already are kept); match are the options
	// every index is built with.
	translator match.Translator
	match      []match.Option
	// onLoad is told of each reload that puts new facts in service (see
	// WithOnLoad); nil: nobody is.
	onLoad func(knowledge.ReloadReport, StoreVersion)
	// opened is set once New has loaded the first facts; last is the
	// report of the last reload since (see LastReload).
	opened bool
	last   atomic.Pointer[knowledge.ReloadReport]
}

// Option changes how a library works.
type Option func(*Library)

// WithLogger makes the library log to log (by default, slog's default
// logger): that a store's facts had to be analysed again on load, and why.
func WithLogger(log *slog.Logger) Option {
	return func(l *Library) { l.log = log }
}

// WithTranslator has the library translate the sources' facts through
// tr when it rebuilds the store (only the words it has no translation of
// yet: the store and the serving index keep them), and its indexes
// translate questions through tr, waiting at most wait (see
// match.WithTranslator).
func WithTranslator(tr match.Translator, wait time.Duration) Option {
	return func(l *Library) {
		l.translator = tr
		l.match = append(l.match, match.WithTranslator(tr, wait))
	}
}

// WithOnLoad makes the library call f after each reload that puts new
// facts in service (Reload, AddSource, and Refresh, the store watcher's),
// but not for the facts New loads, with the reload's report and the
// version of the store file those facts are in (the zero StoreVersion
// without a store file). f runs before the reload returns, one call at a
// time, in the order of the reloads, so it must return promptly. A
// replica announces its reloads with it, and recognises there the
// version another replica announced.
func WithOnLoad(f func(knowledge.ReloadReport, StoreVersion)) Option {
	return func(l *Library) { l.onLoad = f }
}

// New opens a library. With a store path it answers from that store when
// it is usable, and builds it from the sources when it is missing or
// unusable, but never over a store built from sources it cannot find (see
// Reload); with neither a sources directory nor a store it answers from the
// embedded article. A sources directory that does not exist yet is created
// holding the embedded article (see seedSources).
func New(ctx context.Context, sourcesDir, dbPath string, opts ...Option) (*Library, error) {
	l := &Library{sourcesDir: sourcesDir, dbPath: dbPath, log: slog.Default()}
	for _, o := range opts {
		o(l)
	}
	if sourcesDir != "" {
		created, err := seedSources(sourcesDir)
		if err != nil {
			return nil, err
		}
		if created != nil {
			l.log.Info("created the sources directory, holding the embedded article as an ordinary file: "+
				"documents added with /reload go beside it, and it may be deleted", "dir", sourcesDir, "files", created)
		}
	}
	onLoad := l.onLoad
	l.onLoad = nil // the facts New loads are not a reload
	if err := l.open(ctx); err != nil {
		return nil, err
	}
	l.onLoad, l.opened = onLoad, true
	return l, nil
}

// open loads the first facts, as New says.
func (l *Library) open(ctx context.Context) error {
	sourcesDir, dbPath := l.sourcesDir, l.dbPath
	if dbPath != "" {
		_, err := l.loadStore(ctx)
		l.ownWrite, _ = statStore(dbPath)
		l.seen = l.ownWrite
		if err == nil {
			return nil
		}
		if _, statErr := os.Stat(dbPath); statErr == nil && sourcesDir == "" {
			l.ownWrite = StoreVersion{} // not ours: Reload reads its origin
		}
	}
	_, err := l.Reload(ctx)
	return err
}

// seedSources creates the sources directory dir, when nothing is there
// yet, holding the embedded sources (the article) as ordinary files, so
// that a document added to it is served beside the article rather than
// instead of it, and an admin who wants the article gone deletes it. It
// returns the names of the files it wrote, none when dir was there. The
// directory appears whole or not at all: it is filled under a temporary
// name and renamed into place.
func seedSources(dir string) ([]string, error) {
	_, err := os.Stat(dir)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return nil, err // there (LoadCorpus says if it is no directory), or not to be looked at
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create the sources directory %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create the sources directory %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // nothing left once renamed
	var names []string
	err = fs.WalkDir(source.DefaultSources(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(source.DefaultSources(), name)
		if err == nil {
			err = os.WriteFile(filepath.Join(tmp, name), data, 0o644)
		}
		names = append(names, name)
		return err
	})
	if err == nil {
		err = os.Chmod(tmp, 0o755) // MkdirTemp makes it private
	}
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("create the sources directory %s: %w", dir, err)
	}
	return names, nil
}

// Index returns the index currently serving. It never changes under the
// caller: a reload swaps in a new one.
func (l *Library) Index() knowledge.Index { return l.current.Load() }

// Reload re-reads the sources, rebuilds the store and swaps in the new
// index. On any error the previous index keeps serving and the error names
// every file and line at fault.
func (l *Library) Reload(ctx context.Context) (knowledge.ReloadReport, error) {
	l.reload.Lock()
	defer l.reload.Unlock()
	rep, err := l.rebuild(ctx)
	if err == nil {
		l.loaded(rep, l.ownWrite)
	}
	return rep, err
}

func (l *Library) rebuild(ctx context.Context) (knowledge.ReloadReport, error) {
	start := time.Now()
	if l.dbPath != "" {
		// Before anything else: a file that is not a store is refused
		// for what it is, whatever the sources.
		if err := sqlite.CheckReplaceable(ctx, l.dbPath); err != nil {
			return knowledge.ReloadReport{}, fmt.Errorf("reload: %w", err)
		}
	}
	fsys, origin, err := l.sources(ctx)
	if err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("reload: %w", err)
	}
	if l.dbPath != "" {
		if err := CheckStorePath(ctx, l.dbPath, origin); err != nil {
			return knowledge.ReloadReport{}, fmt.Errorf("reload: %w", err)
		}
	}
	c, err := source.LoadCorpus(ctx, fsys)
	if err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("reload: %w", err)
	}
	c.Origin = origin
	skipped, err := source.Skipped(fsys)
	if err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("reload: %w", err)
	}
	l.translate(ctx, c)
	// Index first: only a corpus that indexes is written over the store,
	// so the file on disk and the facts served never disagree. The store
	// keeps the index's prepared form, so loading it is quick.
	ix, p, err := indexSafely(ctx, c, l.dbPath != "", l.match...)
	if err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("reload: %w", err)
	}
	if l.dbPath != "" {
		if _, err := sqlite.Build(ctx, l.dbPath, c, p); err != nil {
			return knowledge.ReloadReport{}, fmt.Errorf("reload: %w", err)
		}
		l.ownWrite, _ = statStore(l.dbPath)
	}
	for _, f := range skipped {
		l.log.Warn("skipped a file of the sources directory", "dir", origin, "file", f.Name, "reason", f.Reason.String())
	}
	for _, w := range c.Warnings {
		l.log.Warn("a problem in the sources directory", "dir", origin, "problem", w.Error())
	}
	rep := l.swap(ix, start)
	rep.Skipped, rep.Warnings = skipped, c.Warnings
	return rep, nil
}

// ErrUnknownSources is returned by a reload that has no sources directory
// configured and serves a store built from sources it cannot find: it
// refuses rather than replace those facts with the embedded article.
var ErrUnknownSources = errors.New("cannot tell which sources to reload")

// sources returns the sources a rebuild reads and their origin: the
// configured directory; else the directory the store was built from (by
// `agreementbot ingest`); else, when there is no store and nothing else was
// ever served, the embedded article. A store whose sources cannot be found
// is never silently replaced by other facts.
func (l *Library) sources(ctx context.Context) (fs.FS, string, error) {
	if l.sourcesDir != "" {
		abs, err := filepath.Abs(l.sourcesDir)
		if err != nil {
			return nil, "", err
		}
		return os.DirFS(abs), abs, nil
	}
	origin, err := l.origin(ctx)
	if err != nil {
		return nil, "", err
	}
	switch {
	case origin == knowledge.OriginEmbedded:
		return source.DefaultSources(), origin, nil
	case origin == "":
		return nil, "", fmt.Errorf("%w: the store %s does not record the sources it was built from; set sources in the configuration (or AGREEMENTBOT_SOURCES) to their directory", ErrUnknownSources, l.dbPath)
	}
	if fi, err := os.Stat(origin); err != nil || !fi.IsDir() {
		return nil, "", fmt.Errorf("%w: the store %s was built from %s, which is not a readable directory here; set sources in the configuration (or AGREEMENTBOT_SOURCES) to the sources directory", ErrUnknownSources, l.dbPath, origin)
	}
	return os.DirFS(origin), origin, nil
}

// origin returns what the facts a rebuild replaces were built from. When
// the store file is not as this library last wrote it (an ingest replaced
// it, or it could not be opened), the file says, whatever is serving;
// otherwise the serving index does, and with neither, the embedded article.
func (l *Library) origin(ctx context.Context) (string, error) {
	if l.dbPath != "" {
		if now, ok := statStore(l.dbPath); ok && !now.Same(l.ownWrite) {
			return sqlite.ReadOrigin(ctx, l.dbPath)
		}
	}
	if ix := l.current.Load(); ix != nil {
		return ix.Corpus().Origin, nil
	}
	return knowledge.OriginEmbedded, nil
}

// indexSafely is match.Build, or with prepare set match.BuildPrepared,
// turning a panic into an error, so that a source that trips a bug in the
// matcher fails the reload instead of the process.
func indexSafely(ctx context.Context, c *knowledge.Corpus, prepare bool, opts ...match.Option) (ix *match.Index, p *knowledge.Prepared, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("index the sources: internal error: %v", r)
		}
	}()
	if prepare {
		return match.BuildPrepared(ctx, c, opts...)
	}
	ix, err = match.Build(ctx, c, opts...)
	return ix, nil, err
}

// BuildStore analyses the corpus and writes it, with its prepared index,
// to a new store at path (see sqlite.Build): what `agreementbot ingest`
// does, so that the bots loading the store need not analyse it again.
func BuildStore(ctx context.Context, path string, c *knowledge.Corpus) (sqlite.BuildReport, error) {
	if err := CheckStorePath(ctx, path, c.Origin); err != nil {
		return sqlite.BuildReport{Path: path}, fmt.Errorf("build store: %w", err)
	}
	_, p, err := indexSafely(ctx, c, true)
	if err != nil {
		return sqlite.BuildReport{Path: path}, fmt.Errorf("build store: %w", err)
	}
	// The index is garbage now, but the collector's next target was set
	// while it was alive: collect it before writing, or the write's own
	// garbage piles up on top of it (100,000 facts: a peak of 300 MB
	// instead of 240 MB).
	runtime.GC()
	return sqlite.Build(ctx, path, c, p)
}

// IndexStore reads the facts of an open store and indexes them, with
// opts: from the prepared index the store keeps when it is this build's,
// else, saying so to log, by analysing every fact as match.Build does.
func IndexStore(ctx context.Context, s *sqlite.Store, log *slog.Logger, opts ...match.Option) (*match.Index, error) {
	c, err := s.Corpus(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.Prepared(ctx)
	if err != nil {
		return nil, err
	}
	ix, err := match.Load(ctx, c, p, opts...)
	if err == nil || !errors.Is(err, match.ErrNotPrepared) {
		return ix, err
	}
	log.Info("analysing every fact of the store: its prepared index cannot be used", "facts", len(c.Facts), "reason", err)
	ix, _, err = indexSafely(ctx, c, false, opts...)
	return ix, err
}

// ErrStoreInSources is returned by a build whose store path is a file the
// sources directory it reads would take for a source: the store would
// replace one of them, or be read as one at the next reload.
var ErrStoreInSources = errors.New("the fact store would be one of its own sources")

// CheckStorePath checks, before any work is done, that a store built from
// the sources of origin may be written at path: over nothing, an empty file
// or a store (sqlite.CheckReplaceable; sqlite.Build checks again), and not
// as a file of the sources directory that a reload reads as a source. It
// is what every writer of a store (ingest, a reload) goes through.
func CheckStorePath(ctx context.Context, path, origin string) error {
	if err := sqlite.CheckReplaceable(ctx, path); err != nil {
		return err
	}
	if origin == "" || origin == knowledge.OriginEmbedded {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("store path %s: %w", path, err)
	}
	dir, err1 := os.Stat(filepath.Dir(abs))
	sources, err2 := os.Stat(origin)
	if err1 != nil || err2 != nil || !os.SameFile(dir, sources) {
		return nil
	}
	if name := filepath.Base(abs); source.IsSourceFile(name) || source.IsReserved(name) {
		return fmt.Errorf("refusing to write the fact store as %s, in the sources directory it is built from, where it would be "+
			"read as a source (%w): give it a path outside %s", path, ErrStoreInSources, origin)
	}
	return nil
}

// swap puts ix in service and reports how it differs from the index it
// replaces.
func (l *Library) swap(ix *match.Index, start time.Time) knowledge.ReloadReport {
	var old *knowledge.Corpus
	if prev := l.current.Load(); prev != nil {
		old = prev.Corpus()
	}
	c := ix.Corpus()
	diff := c.DiffFrom(old)
	l.current.Store(ix)
	return knowledge.ReloadReport{
		Sources: len(c.Sources), Facts: len(c.Facts),
		Added: len(diff.Added), Removed: len(diff.Removed), Changed: len(diff.Changed), Duration: time.Since(start),
		Diff: diff, Gone: gone(old, c), At: time.Now(),
	}
}

// gone returns the facts of old that c no longer has.
func gone(old, c *knowledge.Corpus) []knowledge.Fact {
	if old == nil {
		return nil
	}
	ids := make(map[string]bool, len(c.Facts))
	for _, f := range c.Facts {
		ids[f.ID] = true
	}
	var out []knowledge.Fact
	for _, f := range old.Facts {
		if !ids[f.ID] {
			out = append(out, f)
		}
	}
	return out
}

// ErrNoSourcesDir is returned when a source is added, or a question
// taught, to a library that has no sources directory configured, so has
// nowhere to keep it.
var ErrNoSourcesDir = errors.New("no sources directory is configured, so the sources cannot be changed")

// AddSource validates one source document, stores it in the sources
// directory (replacing a file of the same name) and reloads. A document
// that does not parse is refused before anything is written; if the reload
// fails, the previous file is put back and the old facts keep serving.
func (l *Library) AddSource(ctx context.Context, name string, data []byte) (knowledge.ReloadReport, error) {
	if l.sourcesDir == "" {
		return knowledge.ReloadReport{}, ErrNoSourcesDir
	}
	if err := validateUpload(name, data); err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("add source: %w", err)
	}
	l.reload.Lock()
	defer l.reload.Unlock()
	return l.writeAndRebuild(ctx, "add source", filepath.Join(l.sourcesDir, name), data)
}

// writeAndRebuild replaces the file at path in the sources directory with
// data, atomically, and rebuilds. If the rebuild fails, the file is put
// back as it was (or removed, when there was none) and the old facts keep
// serving. what names the operation in the errors of reading and writing
// the file; the rebuild's are its own. The caller holds l.reload.
func (l *Library) writeAndRebuild(ctx context.Context, what, path string, data []byte) (knowledge.ReloadReport, error) {
	previous, readErr := os.ReadFile(path)
	if readErr != nil && !errors.Is(readErr, fs.ErrNotExist) {
		return knowledge.ReloadReport{}, fmt.Errorf("%s: %w", what, readErr)
	}
	if err := atomicfile.WriteFile(ctx, path, data); err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("%s: %w", what, err)
	}
	rep, err := l.rebuild(ctx)
	if err != nil {
		undo := os.Remove(path)
		if readErr == nil {
			undo = atomicfile.WriteFile(ctx, path, previous)
		}
		if undo != nil {
			err = errors.Join(err, fmt.Errorf("put back the previous %s: %w", filepath.Base(path), undo))
		}
		return knowledge.ReloadReport{}, err
	}
	l.loaded(rep, l.ownWrite)
	return rep, nil
}

// LastReload returns the report of the last reload that put new facts in
// service since New (by Reload, AddSource, RemoveSource or Refresh), what
// it changed included; ok is false when there was none.
func (l *Library) LastReload() (rep knowledge.ReloadReport, ok bool) {
	if p := l.last.Load(); p != nil {
		return *p, true
	}
	return rep, false
}

// ErrNoSuchSource is returned when the source to remove is not a file of
// the sources directory.
var ErrNoSuchSource = errors.New("no such source file in the sources directory")

// RemoveSource deletes one source file (a name AddSource accepts) from
// the sources directory and reloads. If the reload fails, the file is put
// back and the old facts keep serving.
func (l *Library) RemoveSource(ctx context.Context, name string) (knowledge.ReloadReport, error) {
	if l.sourcesDir == "" {
		return knowledge.ReloadReport{}, ErrNoSourcesDir
	}
	if err := checkSourceName(name); err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("remove source: %w", err)
	}
	l.reload.Lock()
	defer l.reload.Unlock()
	path := filepath.Join(l.sourcesDir, name)
	previous, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return knowledge.ReloadReport{}, fmt.Errorf("remove source %s: %w", name, ErrNoSuchSource)
	}
	if err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("remove source: %w", err)
	}
	if err := os.Remove(path); err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("remove source: %w", err)
	}
	rep, err := l.rebuild(ctx)
	if err != nil {
		if undo := atomicfile.WriteFile(ctx, path, previous); undo != nil {
			err = errors.Join(err, fmt.Errorf("put back %s: %w", name, undo))
		}
		return knowledge.ReloadReport{}, err
	}
	l.loaded(rep, l.ownWrite)
	return rep, nil
}

// checkSourceName checks that name is a plain source file name: no
// directory, not hidden, of a type sources are read from.
func checkSourceName(name string) error {
	if name != filepath.Base(name) || strings.HasPrefix(name, ".") || !(source.IsSourceFile(name) || source.IsReserved(name)) {
		return fmt.Errorf("%q is not a source file name (.txt, .md, .markdown, .yaml, .yml, %s or %s)", name, source.VocabularyFile, source.TaughtFile)
	}
	return nil
}

// validateUpload checks that name is a plain source file name and that data
// parses as what its name says.
func validateUpload(name string, data []byte) error {
	if err := checkSourceName(name); err != nil {
		return err
	}
	var err error
	switch name {
	case source.VocabularyFile:
		_, err = source.ParseVocabulary(name, data)
	case source.TaughtFile:
		_, err = source.ParseTaught(name, data)
	default:
		_, err = source.Parse(name, data)
	}
	return err
}

// StoreVersion identifies one version of the store file: an atomic
// rebuild always gives a new file, so the file's identity tells versions
// apart even when size and time do not. The zero StoreVersion stands for
// no file.
type StoreVersion struct {
	fi os.FileInfo // nil: no file
}

func statStore(path string) (StoreVersion, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return StoreVersion{}, false
	}
	return StoreVersion{fi}, true
}

// Same reports whether v and w are the same version of the file, or both
// no file.
func (v StoreVersion) Same(w StoreVersion) bool {
	if v.fi == nil || w.fi == nil {
		return v.fi == nil && w.fi == nil
	}
	return os.SameFile(v.fi, w.fi) && v.fi.Size() == w.fi.Size() && v.fi.ModTime().Equal(w.fi.ModTime())
}

// StoreVersion returns the version of the store file as it is now: the
// zero StoreVersion when there is no store file.
func (l *Library) StoreVersion() StoreVersion {
	v, _ := statStore(l.dbPath)
	return v
}

// loaded tells the WithOnLoad hook of a reload that put new facts in
// service, from version v of the store file.
func (l *Library) loaded(rep knowledge.ReloadReport, v StoreVersion) {
	if l.opened {
		l.last.Store(&rep)
	}
	if l.onLoad != nil {
		l.onLoad(rep, v)
	}
}

// WatchStore polls the store file every interval until ctx ends, and when
// something else (`agreementbot ingest`, another replica's reload) has
// replaced it, loads the new facts and swaps them in (see Refresh). report
// is called after each such load, or failed load. It does nothing for a
// library without a store file.
func (l *Library) WatchStore(ctx context.Context, interval time.Duration, report func(knowledge.ReloadReport, error)) {
	if l.dbPath == "" {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if rep, loaded, err := l.Refresh(ctx); loaded || err != nil {
			report(rep, err)
		}
	}
}

// Refresh loads the store file when it is a version this library has
// neither loaded, written nor already failed to load: what the watcher
// does on each tick, and what a replica does at once when another tells it
// the store was rebuilt. It reports whether it loaded new facts.
func (l *Library) Refresh(ctx context.Context) (rep knowledge.ReloadReport, loaded bool, err error) {
	if l.dbPath == "" {
		return rep, false, nil
	}
	l.reload.Lock()
	defer l.reload.Unlock()
	now, ok := statStore(l.dbPath)
	if !ok || now.Same(l.seen) || now.Same(l.ownWrite) {
		l.seen = now
		return rep, false, nil
	}
	if rep, err = l.loadStore(ctx); err != nil {
		l.loadFailed(now, errors.Is(err, sqlite.ErrStore) && ctx.Err() == nil)
		return rep, false, err
	}
	l.seen, l.failures = now, 0
	l.loaded(rep, now)
	return rep, true, nil
}

// maxStoreLoadAttempts is how many times in a row Refresh tries to load
// one version of the store file that fails for a reason other than the
// file itself (a load cut short, an index that failed to build): it is
// retried on the next ticks, then given up until the file changes again.
// A file that is no usable store (sqlite.ErrStore) is given up at once.
const maxStoreLoadAttempts = 3

// loadFailed counts a failed load of version v, and gives v up at once
// when it is no usable store (broken), else after maxStoreLoadAttempts.
func (l *Library) loadFailed(v StoreVersion, broken bool) {
	if !v.Same(l.failed) {
		l.failed, l.failures = v, 0
	}
	if l.failures++; broken || l.failures >= maxStoreLoadAttempts {
		l.seen = v
	}
}

// loadStore swaps in the facts of the store file as it is now.
func (l *Library) loadStore(ctx context.Context) (knowledge.ReloadReport, error) {
	start := time.Now()
	s, err := sqlite.Open(ctx, l.dbPath)
	if err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("reload from store: %w", err)
	}
	ix, err := IndexStore(ctx, s, l.log, l.match...)
	s.Close()
	if err != nil {
		return knowledge.ReloadReport{}, fmt.Errorf("reload from store: %w", err)
	}
	return l.swap(ix, start), nil
}
