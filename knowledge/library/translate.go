package library

import (
	"context"
	"maps"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

// translate gives c the translations of its facts and topics: those the
// serving index and the store file hold already, and, with a translator,
// the rest. A translator that fails is logged, once, and the facts it did
// not translate are matched without a translation until the next rebuild.
func (l *Library) translate(ctx context.Context, c *knowledge.Corpus) {
	known := knowledge.Translations{}
	if l.dbPath != "" {
		maps.Copy(known, sqlite.ReadTranslations(ctx, l.dbPath))
	}
	if ix := l.current.Load(); ix != nil {
		maps.Copy(known, ix.Corpus().Translations)
	}
	t, err := match.TranslateCorpus(ctx, c, l.translator, known, nil)
	if err != nil {
		l.log.Warn("the sources were not all translated: questions in the other language meet the rest through the lexicon alone until a rebuild translates them",
			"translated", len(t), "error", err)
	}
	c.Translations = t
}
