package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/apertium"
	"github.com/agreementbot/agreementbot/knowledge/library"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

// sourceFlags are the flags that say where the facts come from, and
// the translation server they are matched through.
type sourceFlags struct {
	sources   string
	db        string
	translate *string // nil: the command does not translate
	// opts are the options the index open made was built with, for
	// another index over the same facts.
	opts []match.Option
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.sources, "sources", "", "read the sources in `DIR` (default: the embedded article)")
	fs.StringVar(&s.db, "db", "", "answer from the fact store `FILE` built by ingest")
}

// open loads the facts (through a store, so that the command line reads
// them exactly as the bot does) and indexes them: from a store file (with
// the prepared index it keeps, as the bot does; a note on stderr says when
// it cannot be used), from a sources directory, or from the embedded
// article.
//
// With --translate, questions are translated through the translation
// server too, and the facts of a sources directory or of the embedded
// article are translated when they are read (a store keeps those ingest
// made).
func (s *sourceFlags) open(ctx context.Context, stderr io.Writer) (*match.Index, error) {
	if s.sources != "" && s.db != "" {
		return nil, errors.New("give --sources or --db, not both")
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	var tr *apertium.Client
	if s.translate != nil {
		var err error
		if tr, err = openTranslator(ctx, *s.translate, log); err != nil {
			return nil, err
		}
	}
	s.opts = matchOptions(tr, commandTranslateWait)
	if s.db != "" {
		store, err := sqlite.Open(ctx, s.db)
		if err != nil {
			return nil, err
		}
		defer store.Close()
		return library.IndexStore(ctx, store, log, s.opts...)
	}
	corpus, err := s.corpus(ctx)
	if err != nil {
		return nil, err
	}
	if tr != nil {
		translateCorpus(ctx, corpus, tr, nil, nil, log)
	}
	store, err := sqlite.OpenMemory(ctx, corpus)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	corpus, err = store.Corpus(ctx)
	if err != nil {
		return nil, err
	}
	return match.NewIndex(corpus, s.opts...), nil
}

// registerTranslate registers --translate (see registerTranslate).
func (s *sourceFlags) registerTranslate(fs *flag.FlagSet) {
	s.translate = registerTranslate(fs)
}

func (s *sourceFlags) corpus(ctx context.Context) (*knowledge.Corpus, error) {
	if s.sources == "" {
		c, err := source.LoadCorpus(ctx, source.DefaultSources())
		if err == nil {
			c.Origin = knowledge.OriginEmbedded
		}
		return c, err
	}
	info, err := os.Stat(s.sources)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("sources: %s is not a directory", s.sources)
	}
	abs, err := filepath.Abs(s.sources)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	c, err := source.LoadCorpus(ctx, os.DirFS(abs))
	if err == nil {
		c.Origin = abs
	}
	return c, err
}
