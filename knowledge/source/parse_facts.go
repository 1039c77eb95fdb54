package source

import (
	"strconv"

	"github.com/agreementbot/agreementbot/internal/yamlpos"
	"github.com/agreementbot/agreementbot/knowledge"

	"go.yaml.in/yaml/v3"
)

// ParseFacts parses a curated facts file: YAML with an optional "source"
// mapping (title, date, publisher, url, credit) and a "facts" list whose
// items each have a "text" and optionally a section, date, url, credit
// and phrasings. Each item becomes one KindCurated fact and one paragraph;
// its date, url and credit override the source's in its citation. Unknown
// keys, an empty text and an empty list are errors; every one in the file
// is reported, each at its line.
func ParseFacts(path string, raw []byte) (*knowledge.Document, error) {
	b, err := newDocBuilder(path, "yaml", raw)
	if err != nil {
		return nil, err
	}
	y, top, err := b.parseYAML(raw[bomLen(raw):], 0, "facts file")
	if err != nil {
		return nil, err
	}
	if top == nil {
		return nil, b.errorf(1, "no facts")
	}
	pairs, err := y.mapping(top, "facts file")
	if err != nil {
		return nil, err
	}
	var facts, factsKey *yaml.Node
	var problems knowledge.SourceErrors
	for _, p := range pairs {
		switch p.key.Value {
		case "source":
			problems = appendProblem(problems, path, y.sourceMeta(p.value, "source", true))
		case "facts":
			facts, factsKey = yamlpos.Resolve(p.value), p.key
		default:
			problems = appendProblem(problems, path, y.errorf(p.key, "unknown key %q", p.key.Value))
		}
	}
	switch {
	case facts == nil:
		problems = appendProblem(problems, path, y.errorf(top, "no facts: add a \"facts\" list"))
		return nil, problems.Err()
	case facts.Kind == yaml.ScalarNode && facts.ShortTag() == "!!null",
		facts.Kind == yaml.SequenceNode && len(facts.Content) == 0:
		return nil, y.errorf(factsKey, "no facts")
	case facts.Kind != yaml.SequenceNode:
		return nil, y.errorf(facts, "facts: want a list")
	}
	for _, n := range facts.Content {
		problems = appendProblem(problems, path, y.curated(n))
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return b.finish()
}

// curated adds the fact described by item n of a facts list.
func (y *yamlDoc) curated(n *yaml.Node) error {
	b := y.b
	what := "fact " + strconv.Itoa(len(b.doc.Facts)+1)
	pairs, err := y.mapping(n, what)
	if err != nil {
		return err
	}
	var text, section string
	var textKey *yaml.Node
	var phrasings []string
	var c knowledge.Citation
	for _, p := range pairs {
		var dst *string
		switch key := p.key.Value; key {
		case "text":
			dst, textKey = &text, p.key
		case "section":
			dst = &section
		case "url":
			dst = &c.URL
		case "credit":
			dst = &c.Credit
		case "date":
			if c.Date, err = y.date(p.value, what+": date"); err != nil {
				return err
			}
			continue
		case "phrasings":
			if phrasings, err = y.strs(p.value, what+": phrasings"); err != nil {
				return err
			}
			continue
		default:
			return y.errorf(p.key, "%s: unknown key %q", what, key)
		}
		if *dst, err = y.str(p.value, what+": "+p.key.Value); err != nil {
			return err
		}
	}
	switch {
	case textKey == nil:
		return y.errorf(yamlpos.Resolve(n), "%s: missing text", what)
	case text == "":
		return y.errorf(textKey, "%s: empty text", what)
	}
	section = knowledge.CollapseSpace(section)
	c.Section, c.Sentence = section, 1
	c.Paragraph = b.addParagraph(section, text)
	b.addFact(knowledge.KindCurated, text, c).Phrasings = phrasings
	return nil
}
