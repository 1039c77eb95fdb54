package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/agreementbot/agreementbot/knowledge"
)

// writeTranslations writes t, in the order of its keys, so that the same
// translations make the same file.
func writeTranslations(ctx context.Context, tx *sql.Tx, t knowledge.Translations) error {
	rows := newBatchInserter(tx, "translations (digest, pair, text)", 3)
	keys := slices.SortedFunc(maps.Keys(t), func(a, b knowledge.TranslationKey) int {
		return cmp.Or(cmp.Compare(a.Digest, b.Digest), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	for _, k := range keys {
		if err := rows.add(ctx, k.Digest, k.From+"-"+k.To, t[k]); err != nil {
			return err
		}
	}
	return rows.flush(ctx)
}

// translations reads the store's translations; a store built without
// them (before they were kept) has none.
func (s *Store) translations(ctx context.Context) (knowledge.Translations, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'translations'").Scan(&n)
	if err != nil {
		return nil, s.readError(ctx, "translations", err)
	}
	if n == 0 {
		return nil, nil
	}
	out := knowledge.Translations{}
	err = s.each(ctx, "translations", "SELECT digest, pair, text FROM translations", func(rows *sql.Rows) error {
		var digest, pair, text string
		if err := rows.Scan(&digest, &pair, &text); err != nil {
			return err
		}
		from, to, ok := strings.Cut(pair, "-")
		if !ok {
			return fmt.Errorf("translation %s: language pair %q is not from-to", digest, pair)
		}
		out[knowledge.TranslationKey{Digest: digest, From: from, To: to}] = text
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReadTranslations returns the translations kept in the store file at
// path, for a rebuild to reuse instead of translating the same words
// again. A missing or unusable store has none to give: that is no error.
func ReadTranslations(ctx context.Context, path string) knowledge.Translations {
	s, err := Open(ctx, path)
	if err != nil {
		return nil
	}
	defer s.Close()
	t, _ := s.translations(ctx) // none is better than no build
	return t
}
