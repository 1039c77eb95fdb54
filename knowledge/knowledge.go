package knowledge

import (
	"context"
	"time"
)

// Index answers questions over one immutable set of facts. It never
// changes under its caller: a reload builds a new one. Implementations are
// safe for concurrent use.
type Index interface {
	// Answer answers a question with ranked, cited facts, or abstains. Bad
	// input (empty, too long) is an error; a question nothing matches is an
	// abstention.
	Answer(ctx context.Context, question string, opt Options) (Answer, error)
	// Facts returns every fact, in reading order.
	Facts() []Fact
	// Fact returns the fact with the given id.
	Fact(id string) (Fact, bool)
	// Paragraph returns the whole paragraph a fact was taken from.
	Paragraph(f Fact) (Paragraph, bool)
	// Sources returns the sources, in the order they were read.
	Sources() []Source
	// FactCounts returns how many facts each source has, by source id.
	FactCounts() map[string]int
	// Complete returns up to n topics that complete what a user is typing.
	Complete(typed string, n int) []string
	// MatchFacts returns up to n facts whose words best match what a user
	// is typing, for picking a fact by name.
	MatchFacts(typed string, n int) []Fact
	// Language tells the language a text is written in, as a BCP 47 base
	// tag ("en", "es"), the way Answer tells a question's: a reply to a
	// message that cannot be answered (too long, too many) still speaks it.
	Language(text string) string
}

// ReloadReport says what rebuilding the facts changed.
type ReloadReport struct {
	Sources  int
	Facts    int
	Added    int
	Removed  int
	Changed  int // facts reworded in place
	Duration time.Duration
	// Skipped are the files of the sources directory not read as
	// sources (none when the facts came from a store).
	Skipped []SkippedFile
	// Diff names the facts added, removed and changed (see
	// Corpus.DiffFrom); Gone are the facts the reload took out of
	// service, removed or reworded, as they were.
	Diff Diff
	Gone []Fact
	// At is when the new facts went into service.
	At time.Time
	// Warnings are problems in the sources that did not stop the reload
	// (Corpus.Warnings): a taught question whose fact is gone, say.
	Warnings SourceErrors
}
