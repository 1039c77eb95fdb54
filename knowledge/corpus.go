package knowledge

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
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
// source (the vocabulary file is not a source).
func IsSourceFile(name string) bool {
	if strings.HasPrefix(name, ".") || name == VocabularyFile {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".md", ".markdown", ".yaml", ".yml":
		return true
	}
	return false
}

// LoadCorpus reads and parses every source file at the top of fsys (plain
// text, Markdown and curated YAML facts), plus an optional vocabulary.yaml
// that extends the default vocabulary. Files of other types are skipped. It
// fails, naming the file and line, on the first source that cannot be used,
// and when there is no source at all.
func LoadCorpus(ctx context.Context, fsys fs.FS) (*Corpus, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	c := &Corpus{Vocabulary: DefaultVocabulary()}
	var names []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
		case name == VocabularyFile:
			raw, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", name, err)
			}
			extra, err := ParseVocabulary(name, raw)
			if err != nil {
				return nil, err
			}
			c.Vocabulary = c.Vocabulary.Merge(extra)
		case IsSourceFile(name):
			names = append(names, name)
		}
	}
	docs, err := parseAll(ctx, fsys, names)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for i, doc := range docs {
		if other, dup := ids[doc.Source.ID]; dup {
			return nil, &SourceError{Path: names[i], Err: fmt.Errorf("source id %q is also used by %s; rename one of them", doc.Source.ID, other)}
		}
		ids[doc.Source.ID] = names[i]
		c.Add(doc)
	}
	if len(c.Sources) == 0 {
		return nil, errors.New("no sources found: add .txt, .md or facts .yaml files")
	}
	return c, nil
}

// parseAll reads and parses the named files on all CPUs, returning the
// documents in the order of names, or the error of the first file (in that
// order) that failed.
func parseAll(ctx context.Context, fsys fs.FS, names []string) ([]*Document, error) {
	docs := make([]*Document, len(names))
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
		return nil, fmt.Errorf("read sources: %w", err)
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return docs, nil
}

// readAndParse reads and parses one source file. A panic in a parser (a
// bug, but one an uploaded file could trigger) becomes an error naming the
// file, so it cannot take the bot down.
func readAndParse(fsys fs.FS, name string) (doc *Document, err error) {
	defer func() {
		if p := recover(); p != nil {
			doc, err = nil, &SourceError{Path: name, Err: fmt.Errorf("internal error while parsing: %v", p)}
		}
	}()
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return ParseSource(name, raw)
}

// Add appends a parsed document to the corpus.
func (c *Corpus) Add(doc *Document) {
	c.Sources = append(c.Sources, doc.Source)
	c.Facts = append(c.Facts, doc.Facts...)
	for _, p := range doc.Paragraphs {
		c.Paragraphs = append(c.Paragraphs, SourceParagraph{SourceID: doc.Source.ID, Paragraph: p})
	}
}

// FactCount returns how many facts each source has, by source id.
func (c *Corpus) FactCount() map[string]int {
	out := make(map[string]int, len(c.Sources))
	for _, f := range c.Facts {
		out[f.Citation.SourceID]++
	}
	return out
}

// Diff compares the facts of an older corpus with c's: ids only in c were
// added, ids only in old were removed. Since ids are derived from the
// words, a fact whose wording changed has a new id; when it still stands
// in the same place (source, paragraph, sentence) it counts as changed
// rather than as one removed and one added.
type Diff struct {
	Added, Removed, Changed []string // Changed holds the new ids
}

// DiffFrom returns how c differs from old.
func (c *Corpus) DiffFrom(old *Corpus) Diff {
	oldIDs := map[string]bool{}
	if old == nil {
		return c.diffFromIDs(oldIDs)
	}
	slots := make(map[factSlot]string, len(old.Facts))
	for _, f := range old.Facts {
		oldIDs[f.ID] = true
		slots[slotOf(f)] = f.ID
	}
	d := c.diffFromIDs(oldIDs)
	removed := map[string]bool{}
	for _, id := range d.Removed {
		removed[id] = true
	}
	d.Added = d.Added[:0]
	for _, f := range c.Facts {
		if oldIDs[f.ID] {
			continue
		}
		if was, ok := slots[slotOf(f)]; ok && removed[was] {
			d.Changed = append(d.Changed, f.ID)
			delete(removed, was)
			continue
		}
		d.Added = append(d.Added, f.ID)
	}
	d.Removed = d.Removed[:0]
	for id := range removed {
		d.Removed = append(d.Removed, id)
	}
	slices.Sort(d.Removed)
	return d
}

// factSlot is where a fact stands in its source.
type factSlot struct {
	source              string
	paragraph, sentence int
}

func slotOf(f Fact) factSlot {
	return factSlot{f.Citation.SourceID, f.Citation.Paragraph, f.Citation.Sentence}
}

// diffFromIDs returns how c differs from a corpus with the given fact ids.
func (c *Corpus) diffFromIDs(oldIDs map[string]bool) Diff {
	var d Diff
	newIDs := map[string]bool{}
	for _, f := range c.Facts {
		newIDs[f.ID] = true
		if !oldIDs[f.ID] {
			d.Added = append(d.Added, f.ID)
		}
	}
	for id := range oldIDs {
		if !newIDs[id] {
			d.Removed = append(d.Removed, id)
		}
	}
	slices.Sort(d.Removed)
	return d
}
