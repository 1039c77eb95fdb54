package source

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/internal/plural"
	"github.com/agreementbot/agreementbot/internal/yamlpos"
	"github.com/agreementbot/agreementbot/knowledge"
)

// TaughtFile is the name of the file of a sources directory that holds the
// questions admins taught the bot: each entry gives one fact the questions
// it answers, which become that fact's phrasings when the sources are
// loaded. Like VocabularyFile it is not a source.
const TaughtFile = "taught.yaml"

// Taught is one entry of the taught file: the questions taught for one
// fact. The fact is found by its id, or, should its id have changed (an
// identical sentence added before it), by its words in its source.
type Taught struct {
	Fact      string   // the fact's id when it was taught
	Source    string   // the file name of the fact's source (knowledge.Source.Path)
	Text      string   // the fact's words, as its source has them
	Questions []string // the questions taught, each as knowledge.CleanQuestion leaves it
	Line      int      // the entry's line in the file (0 for one not read from a file)
}

// factIDRe matches a fact id as knowledge.FactID makes them.
var factIDRe = regexp.MustCompile(`^f[0-9a-f]{11}$`)

// ParseTaught reads a taught file: a mapping whose only key, "taught",
// holds a list of entries, each a mapping of "fact" (a fact id), "source"
// (a file name), "text" (the fact's words) and "questions" (a list of
// questions). An empty file, or an empty list, teaches nothing. Unknown
// keys, missing or empty values, a question that could not be asked and a
// question taught twice are errors; every one in the file is reported,
// each at its line, as knowledge.SourceErrors (or the lone
// *knowledge.SourceError).
func ParseTaught(path string, raw []byte) ([]Taught, error) {
	if err := checkEncoding(path, raw); err != nil {
		return nil, err
	}
	b := &docBuilder{path: path}
	y, top, err := b.parseYAML(raw[bomLen(raw):], 0, "taught file")
	if err != nil || top == nil {
		return nil, err
	}
	pairs, err := y.mapping(top, "taught file")
	if err != nil {
		return nil, err
	}
	var list *yaml.Node
	var problems knowledge.SourceErrors
	for _, p := range pairs {
		if p.key.Value != "taught" {
			problems = appendProblem(problems, path, y.errorf(p.key, "taught file: unknown key %q (want taught)", p.key.Value))
			continue
		}
		list = yamlpos.Resolve(p.value)
	}
	switch {
	case list == nil && len(problems) == 0:
		return nil, y.errorf(top, "taught file: no \"taught\" list")
	case list == nil, yamlpos.IsNull(list):
		return nil, problems.Err()
	case list.Kind != yaml.SequenceNode:
		return nil, appendProblem(problems, path, y.errorf(list, "taught: want a list")).Err()
	}
	var out []Taught
	taughtAt := map[string]int{} // folded question → line
	for i, n := range list.Content {
		t, err := y.taughtEntry(n, i+1)
		if err != nil {
			problems = appendProblem(problems, path, err)
			continue
		}
		for _, q := range t.Questions {
			key := QuestionKey(q)
			if line, dup := taughtAt[key]; dup {
				problems = appendProblem(problems, path, b.errorf(t.Line, "entry %d: the question %q is taught already, at line %d", i+1, q, line))
			}
			taughtAt[key] = t.Line
		}
		out = append(out, t)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// QuestionKey is the form two questions are compared in, to tell one
// taught already: folded (case, accents), its words alone (fold.Words),
// as the engine compares a question with the phrasings.
func QuestionKey(q string) string { return fold.Words(q) }

// taughtEntry reads entry number num of the taught list.
func (y *yamlDoc) taughtEntry(n *yaml.Node, num int) (Taught, error) {
	what := fmt.Sprintf("entry %d", num)
	pairs, err := y.mapping(n, what)
	if err != nil {
		return Taught{}, err
	}
	t := Taught{Line: y.doc.Line(yamlpos.Resolve(n).Line)}
	var questions *yaml.Node
	for _, p := range pairs {
		var dst *string
		switch key := p.key.Value; key {
		case "fact":
			dst = &t.Fact
		case "source":
			dst = &t.Source
		case "text":
			dst = &t.Text
		case "questions":
			questions = p.value
			continue
		default:
			return Taught{}, y.errorf(p.key, "%s: unknown key %q (want fact, source, text and questions)", what, key)
		}
		if *dst, err = y.str(p.value, what+": "+p.key.Value); err != nil {
			return Taught{}, err
		}
	}
	node := yamlpos.Resolve(n)
	switch {
	case t.Fact == "":
		return Taught{}, y.errorf(node, "%s: no fact id", what)
	case !factIDRe.MatchString(t.Fact):
		return Taught{}, y.errorf(yamlpos.Lookup(node, "fact"), "%s: %q is not a fact id (an f and 11 hexadecimal digits)", what, t.Fact)
	case t.Source == "":
		return Taught{}, y.errorf(node, "%s: no source", what)
	case !IsSourceFile(t.Source) || strings.ContainsAny(t.Source, `/\`):
		return Taught{}, y.errorf(yamlpos.Lookup(node, "source"), "%s: %q is not the name of a source file", what, t.Source)
	case t.Text == "":
		return Taught{}, y.errorf(node, "%s: no text", what)
	case questions == nil:
		return Taught{}, y.errorf(node, "%s: no questions", what)
	}
	t.Questions, err = y.questions(questions, what)
	return t, err
}

// questions reads the questions list of an entry: at least one, each a
// question that can be asked, none twice.
func (y *yamlDoc) questions(n *yaml.Node, what string) ([]string, error) {
	n = yamlpos.Resolve(n)
	if n.Kind != yaml.SequenceNode {
		return nil, y.errorf(n, "%s: questions: want a list", what)
	}
	if len(n.Content) == 0 {
		return nil, y.errorf(n, "%s: no questions", what)
	}
	out := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		s, err := y.str(item, what+": question")
		if err != nil {
			return nil, err
		}
		q, err := knowledge.CleanQuestion(s)
		if err != nil {
			return nil, y.errorf(yamlpos.Resolve(item), "%s: question %q: %v", what, shorten(s), err)
		}
		out = append(out, q)
	}
	return out, nil
}

// shorten cuts s to a length an error message can quote.
func shorten(s string) string {
	const most = 60
	if utf8.RuneCountInString(s) <= most {
		return s
	}
	r := []rune(s)
	return string(r[:most]) + "…"
}

// applyTaught adds the questions of the taught entries to the phrasings
// of the facts of c they were taught for, and returns a warning, at its
// line of the file at path, for each entry whose fact c no longer holds.
// A fact is found by id, else by its words among the facts of the source
// the entry names (the first of them, should its words occur twice).
func applyTaught(c *knowledge.Corpus, path string, entries []Taught) knowledge.SourceErrors {
	if len(entries) == 0 {
		return nil
	}
	byID := make(map[string]int, len(c.Facts))
	files := make(map[string]string, len(c.Sources)) // source id → file name
	for _, s := range c.Sources {
		files[s.ID] = s.Path
	}
	byText := make(map[[2]string]int, len(c.Facts))
	for i, f := range c.Facts {
		byID[f.ID] = i
		k := [2]string{files[f.Citation.SourceID], knowledge.CollapseSpace(f.Text)}
		if _, seen := byText[k]; !seen {
			byText[k] = i
		}
	}
	var warnings knowledge.SourceErrors
	for _, t := range entries {
		i, ok := byID[t.Fact]
		if !ok {
			i, ok = byText[[2]string{t.Source, knowledge.CollapseSpace(t.Text)}]
		}
		if !ok {
			warnings = append(warnings, &knowledge.SourceError{Path: path, Line: t.Line, Err: goneError(t, c)})
			continue
		}
		f := &c.Facts[i]
		for _, q := range t.Questions {
			if !hasQuestion(f.Phrasings, q) {
				f.Phrasings = append(f.Phrasings[:len(f.Phrasings):len(f.Phrasings)], q)
			}
		}
	}
	return warnings
}

// ErrTaughtFactGone is the cause of the warning for a taught entry whose
// fact the sources no longer hold.
var ErrTaughtFactGone = errors.New("the fact it was taught for is gone")

// goneError says why entry t teaches nothing, and what to do about it.
func goneError(t Taught, c *knowledge.Corpus) error {
	where := "no longer in " + t.Source
	if !slices.ContainsFunc(c.Sources, func(s knowledge.Source) bool { return s.Path == t.Source }) {
		where = t.Source + " is no longer among the sources"
	}
	return fmt.Errorf("%w (%s “%s”: %s), so its %s not used: teach them to another fact, or delete the entry",
		ErrTaughtFactGone, t.Fact, shorten(t.Text), where, plural.Count(len(t.Questions), "question is", "questions are"))
}

// hasQuestion reports whether q is among qs, compared by QuestionKey.
func hasQuestion(qs []string, q string) bool {
	key := QuestionKey(q)
	for _, p := range qs {
		if QuestionKey(p) == key {
			return true
		}
	}
	return false
}
