package source

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/agreementbot/agreementbot/knowledge"
)

//go:embed default/sources
var defaultSources embed.FS

// DefaultSources returns the source material embedded in the binary: the
// news article on the 28 February 2024 agreement.
func DefaultSources() fs.FS {
	sub, err := fs.Sub(defaultSources, "default/sources")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// IsSourceFile reports whether a file name is one LoadCorpus reads as a
// source (the vocabulary file and the taught file are not sources).
func IsSourceFile(name string) bool {
	if strings.HasPrefix(name, ".") || IsReserved(name) {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".md", ".markdown", ".yaml", ".yml": // knowledge.SkipType and docs/sources.md list them
		return true
	}
	return false
}

// IsReserved reports whether a file name is one of those a sources
// directory holds beside its sources: VocabularyFile and TaughtFile.
func IsReserved(name string) bool {
	return name == VocabularyFile || name == TaughtFile
}

// skipReason says why LoadCorpus does not read the entry of a sources
// directory, or "" when it does (a source, or the vocabulary).
func skipReason(e fs.DirEntry) knowledge.SkipReason {
	name := e.Name()
	switch {
	case e.IsDir():
		return knowledge.SkipDirectory
	case strings.HasPrefix(name, "."):
		return knowledge.SkipHidden
	case !IsReserved(name) && !IsSourceFile(name):
		return knowledge.SkipType
	case !e.Type().IsRegular() && e.Type()&fs.ModeSymlink == 0:
		return knowledge.SkipSpecial // reading a pipe would wait forever
	}
	return ""
}

// Skipped lists the files at the top of fsys that LoadCorpus does not
// read, each with why, in name order.
func Skipped(fsys fs.FS) ([]knowledge.SkippedFile, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	var out []knowledge.SkippedFile
	for _, e := range entries {
		if why := skipReason(e); why != "" {
			out = append(out, knowledge.SkippedFile{Name: e.Name(), Reason: why})
		}
	}
	return out, nil
}

// LoadCorpus reads and parses every source file at the top of fsys (plain
// text, Markdown and curated YAML facts), plus an optional vocabulary.yaml
// that extends the vocabulary those sources get (see VocabularyFor) and an
// optional taught.yaml whose questions become phrasings of the facts they
// were taught for (see ParseTaught); an entry whose fact is gone is a
// warning in the corpus's Warnings, not an error.
// Other files are skipped (Skipped lists them, with why).
// Every source that cannot be used is reported, each with its file and
// line, as knowledge.SourceErrors (or the lone *knowledge.SourceError); it
// also fails when there is no source at all.
func LoadCorpus(ctx context.Context, fsys fs.FS) (*knowledge.Corpus, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	c := &knowledge.Corpus{}
	var names []string
	var problems knowledge.SourceErrors
	var skipped []string
	var extra *knowledge.Vocabulary
	var taught []Taught
	for _, e := range entries {
		switch name := e.Name(); {
		case skipReason(e) != "":
			skipped = append(skipped, name)
		case name == VocabularyFile:
			var err error
			if extra, err = readVocabulary(fsys, name); err != nil {
				problems = appendProblem(problems, name, err)
			}
		case name == TaughtFile:
			var err error
			if taught, err = readTaught(fsys, name); err != nil {
				problems = appendProblem(problems, name, err)
			}
		case IsSourceFile(name):
			names = append(names, name)
		}
	}
	docs, errs, err := parseAll(ctx, fsys, names)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for i, doc := range docs {
		if errs[i] != nil {
			problems = appendProblem(problems, names[i], errs[i])
			continue
		}
		if other, dup := ids[doc.Source.ID]; dup {
			problems = append(problems, &knowledge.SourceError{Path: names[i], Err: fmt.Errorf("source id %q is also used by %s; rename one of them", doc.Source.ID, other)})
			continue
		}
		ids[doc.Source.ID] = names[i]
		c.Add(doc)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	if len(c.Sources) == 0 {
		err := errors.New("no sources found: add .txt, .md or .markdown documents, or facts .yaml or .yml files")
		if len(skipped) > 0 {
			err = fmt.Errorf("%w (skipped, not sources: %s)", err, strings.Join(skipped, ", "))
		}
		return nil, err
	}
	c.Vocabulary = VocabularyFor(c.Sources)
	if extra != nil {
		c.Vocabulary = c.Vocabulary.Merge(extra)
	}
	c.Warnings = applyTaught(c, TaughtFile, taught)
	return c, nil
}

// appendProblem adds err, when there is one, a problem with the named
// file, to the problems found so far: one load reports them all rather
// than the first.
func appendProblem(list knowledge.SourceErrors, name string, err error) knowledge.SourceErrors {
	if err == nil {
		return list
	}
	var se *knowledge.SourceError
	if errors.As(err, &se) {
		return append(list, se)
	}
	return append(list, &knowledge.SourceError{Path: name, Err: err})
}

// readVocabulary reads and parses the vocabulary file.
func readVocabulary(fsys fs.FS, name string) (*knowledge.Vocabulary, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return ParseVocabulary(name, raw)
}

// readTaught reads and parses the taught file.
func readTaught(fsys fs.FS, name string) ([]Taught, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return ParseTaught(name, raw)
}

// parseAll reads and parses the named files on all CPUs, returning the
// documents and each file's error in the order of names. The error is
// only for ctx ending.
func parseAll(ctx context.Context, fsys fs.FS, names []string) ([]*knowledge.Document, []error, error) {
	docs := make([]*knowledge.Document, len(names))
	errs := make([]error, len(names))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(names)) {
		wg.Go(func() {
			for i := range next {
				docs[i], errs[i] = readAndParse(fsys, names[i])
			}
		})
	}
	for i := range names {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("read sources: %w", err)
	}
	return docs, errs, nil
}

// readAndParse reads and parses one source file. A panic in a parser (a
// bug, but one an uploaded file could trigger) becomes an error naming the
// file, so it cannot take the bot down.
func readAndParse(fsys fs.FS, name string) (doc *knowledge.Document, err error) {
	defer func() {
		if p := recover(); p != nil {
			doc, err = nil, &knowledge.SourceError{Path: name, Err: fmt.Errorf("internal error while parsing: %v", p)}
		}
	}()
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return Parse(name, raw)
}
