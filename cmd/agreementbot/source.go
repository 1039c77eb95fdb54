package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/agreementbot/agreementbot/knowledge"
)

// sourceFlags are the flags that say where the facts come from.
type sourceFlags struct {
	sources string
	db      string
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.sources, "sources", "", "read the sources in `DIR` (default: the embedded article)")
	fs.StringVar(&s.db, "db", "", "answer from the fact store `FILE` built by ingest")
}

// open loads the facts and indexes them: from a store file, from a sources
// directory, or from the embedded article.
func (s *sourceFlags) open(ctx context.Context) (*knowledge.Index, error) {
	if s.sources != "" && s.db != "" {
		return nil, errors.New("give --sources or --db, not both")
	}
	if s.db != "" {
		store, err := knowledge.OpenStore(ctx, s.db)
		if err != nil {
			return nil, err
		}
		defer store.Close()
		return knowledge.LoadIndex(ctx, store)
	}
	corpus, err := s.corpus(ctx)
	if err != nil {
		return nil, err
	}
	store, err := knowledge.OpenMemory(ctx, corpus)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	return knowledge.LoadIndex(ctx, store)
}

func (s *sourceFlags) corpus(ctx context.Context) (*knowledge.Corpus, error) {
	if s.sources == "" {
		return knowledge.LoadCorpus(ctx, knowledge.DefaultSources())
	}
	info, err := os.Stat(s.sources)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("sources: %s is not a directory", s.sources)
	}
	return knowledge.LoadCorpus(ctx, os.DirFS(s.sources))
}
