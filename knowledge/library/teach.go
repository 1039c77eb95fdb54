package library

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// Errors Teach refuses a question with.
var (
	// ErrUnknownFact: no fact served has the id given, or its source is
	// not a file of the sources directory.
	ErrUnknownFact = errors.New("no fact of the sources directory has that id")
	// ErrAlreadyTaught: the question is a phrasing of the fact already,
	// or is taught for another fact.
	ErrAlreadyTaught = errors.New("the question is taught already")
)

// TeachResult is what Teach did, and what the engine makes of the
// question now: what a page that teaches shows.
type TeachResult struct {
	// Question is the question taught, as knowledge.CleanQuestion left it.
	Question string
	// Fact is the fact it was taught for, as served now: its Phrasings
	// hold Question, and its words are still its source's own.
	Fact knowledge.Fact
	// Report is the reload's; its Warnings name any taught question
	// whose fact is gone.
	Report knowledge.ReloadReport
	// Answer is the answer a member asking Question gets now (the
	// default options).
	Answer knowledge.Answer
	// Ranked are the facts the engine ranks for Question, best first,
	// up to knowledge.MaxTop, each with its Explanation, whether or not
	// the engine answers: when it declines, the candidates it declined.
	Ranked []knowledge.ScoredFact
	// Rank is Fact's 1-based place in Ranked, 0 when it is not there.
	Rank int
}

// TeachStatus says in one word whether a taught question is answered by
// the fact it was taught for.
type TeachStatus string

// The outcomes of teaching a question.
const (
	// TeachAnswered: the fact answers the question first, confidently.
	TeachAnswered TeachStatus = "answered"
	// TeachTentative: the fact comes first, but the engine is unsure of
	// it, so a member is shown it as the closest fact the sources hold.
	TeachTentative TeachStatus = "tentative"
	// TeachNotFirst: the engine answers with another fact first; Ranked
	// and its explanations say why.
	TeachNotFirst TeachStatus = "not first"
	// TeachDeclined: the engine still declines to answer; Ranked holds
	// the candidates it declined, explained.
	TeachDeclined TeachStatus = "declined"
)

// Status says whether the question is now answered by the fact it was
// taught for.
func (r TeachResult) Status() TeachStatus {
	switch {
	case !r.Answer.Answered:
		return TeachDeclined
	case r.Rank != 1:
		return TeachNotFirst
	case r.Answer.Tentative:
		return TeachTentative
	}
	return TeachAnswered
}

// Teach teaches the library that question is answered by the fact whose
// id is factID: the question is added to that fact's entry in the taught
// file of the sources directory (source.TaughtFile, written atomically,
// its other entries and comments kept), the facts are reloaded, and the
// result says how the engine now answers the question. The fact's words
// are never copied into a new fact: the question becomes one of its
// phrasings. A question that cannot be asked, an unknown fact, a question
// taught already (ErrAlreadyTaught) and a library without a sources
// directory (ErrNoSourcesDir) are refused before anything is written. If
// the reload fails, the taught file is put back as it was and the old
// facts keep serving. Teaches, reloads and uploads run one at a time, so
// two admins teaching at once both have their question kept.
func (l *Library) Teach(ctx context.Context, question, factID string) (TeachResult, error) {
	if l.sourcesDir == "" {
		return TeachResult{}, fmt.Errorf("teach: %w", ErrNoSourcesDir)
	}
	q, err := knowledge.CleanQuestion(question)
	if err != nil {
		return TeachResult{}, fmt.Errorf("teach: %w", err)
	}
	rep, err := l.teach(ctx, q, factID)
	if err != nil {
		return TeachResult{}, fmt.Errorf("teach: %w", err)
	}
	return l.taughtResult(ctx, q, factID, rep)
}

// CheckTeach returns the error Teach would refuse question for the fact
// factID with (ErrNoSourcesDir, ErrUnknownFact, ErrAlreadyTaught, a
// question that cannot be asked, a taught file to mend first), or nil,
// writing and reloading nothing: for a caller that tells a refusal from
// a reload. Teach checks again, as the facts may change in between.
func (l *Library) CheckTeach(question, factID string) error {
	if l.sourcesDir == "" {
		return fmt.Errorf("teach: %w", ErrNoSourcesDir)
	}
	q, err := knowledge.CleanQuestion(question)
	if err != nil {
		return fmt.Errorf("teach: %w", err)
	}
	if _, _, err := l.teachable(q, factID); err != nil {
		return fmt.Errorf("teach: %w", err)
	}
	return nil
}

// teach writes q into the taught file for the fact factID and reloads.
func (l *Library) teach(ctx context.Context, q, factID string) (knowledge.ReloadReport, error) {
	l.reload.Lock()
	defer l.reload.Unlock()
	entry, raw, err := l.teachable(q, factID)
	if err != nil {
		return knowledge.ReloadReport{}, err
	}
	data, err := source.AddTaught(source.TaughtFile, raw, entry)
	if err != nil {
		return knowledge.ReloadReport{}, err
	}
	return l.writeAndRebuild(ctx, "write "+source.TaughtFile, filepath.Join(l.sourcesDir, source.TaughtFile), data)
}

// teachable checks that q may be taught for the fact factID, and returns
// the entry that teaches it with the taught file as it is now.
func (l *Library) teachable(q, factID string) (source.Taught, []byte, error) {
	entry, err := l.taughtEntry(factID, q)
	if err != nil {
		return source.Taught{}, nil, err
	}
	raw, err := os.ReadFile(filepath.Join(l.sourcesDir, source.TaughtFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return source.Taught{}, nil, err
	}
	entries, err := source.ParseTaught(source.TaughtFile, raw)
	if err != nil {
		return source.Taught{}, nil, fmt.Errorf("%s must be mended or removed first: %w", source.TaughtFile, err)
	}
	key := source.QuestionKey(q)
	for _, t := range entries {
		for _, taught := range t.Questions {
			if source.QuestionKey(taught) == key {
				return source.Taught{}, nil, fmt.Errorf("%w, for the fact %s (%s line %d)", ErrAlreadyTaught, t.Fact, source.TaughtFile, t.Line)
			}
		}
	}
	return entry, raw, nil
}

// taughtEntry checks that the fact factID is served, from a file of the
// sources directory, and does not have q among its phrasings, and returns
// the taught entry that teaches q for it.
func (l *Library) taughtEntry(factID, q string) (source.Taught, error) {
	ix := l.current.Load()
	f, ok := ix.Fact(factID)
	if !ok {
		return source.Taught{}, fmt.Errorf("%w: %q", ErrUnknownFact, factID)
	}
	var file string
	for _, s := range ix.Sources() {
		if s.ID == f.Citation.SourceID {
			file = s.Path
		}
	}
	if fi, err := os.Stat(filepath.Join(l.sourcesDir, file)); file == "" || err != nil || !fi.Mode().IsRegular() {
		return source.Taught{}, fmt.Errorf("%w: %s's source %q is not in the sources directory %s", ErrUnknownFact, factID, file, l.sourcesDir)
	}
	key := source.QuestionKey(q)
	for _, other := range ix.Facts() {
		for _, p := range other.Phrasings {
			if source.QuestionKey(p) != key {
				continue
			}
			if other.ID == f.ID {
				return source.Taught{}, fmt.Errorf("%w, for this fact", ErrAlreadyTaught)
			}
			return source.Taught{}, fmt.Errorf("%w, for the fact %s", ErrAlreadyTaught, other.ID)
		}
	}
	return source.Taught{Fact: f.ID, Source: file, Text: f.Text, Questions: []string{q}}, nil
}

// taughtResult asks the index serving now the question just taught, and
// says where the fact factID stands in the answer.
func (l *Library) taughtResult(ctx context.Context, q, factID string, rep knowledge.ReloadReport) (TeachResult, error) {
	ix := l.Index()
	r := TeachResult{Question: q, Report: rep}
	r.Fact, _ = ix.Fact(factID)
	var err error
	if r.Answer, err = ix.Answer(ctx, q, knowledge.Options{}); err != nil {
		return r, fmt.Errorf("teach: the question was taught, but asking it failed: %w", err)
	}
	ranked, err := ix.Answer(ctx, q, knowledge.Options{Top: knowledge.MaxTop, Threshold: math.SmallestNonzeroFloat64, Explain: true})
	if err != nil {
		return r, fmt.Errorf("teach: the question was taught, but asking it failed: %w", err)
	}
	r.Ranked = ranked.Facts
	for i, f := range r.Ranked {
		if f.ID == factID {
			r.Rank = i + 1
			break
		}
	}
	return r, nil
}
