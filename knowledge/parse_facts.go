package knowledge

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// ParseFacts parses a curated facts file: YAML with an optional "source"
// mapping (title, date, publisher, url, credit) and a "facts" list whose
// items each have a "text" and optionally a section, date, url, credit
// and phrasings. Each item becomes one KindCurated fact and one paragraph;
// its date, url and credit override the source's in its citation. Unknown
// keys, an empty text and an empty list are errors.
func ParseFacts(path string, raw []byte) (*Document, error) {
	b, err := newDocBuilder(path, "yaml", raw)
	if err != nil {
		return nil, err
	}
	data := raw[bomLen(raw):]
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, b.yamlError(err, data, 0, "facts file")
	}
	if len(doc.Content) == 0 {
		return nil, b.errorf(0, "no facts")
	}
	pairs, err := b.yamlMapping(doc.Content[0], 0, "facts file")
	if err != nil {
		return nil, err
	}
	var facts *yaml.Node
	factsLine := 0
	for _, p := range pairs {
		switch p.key {
		case "source":
			if err := b.decodeSourceMeta(p.value, 0, "source", true); err != nil {
				return nil, err
			}
		case "facts":
			facts, factsLine = yamlResolve(p.value), p.line
		default:
			return nil, b.errorf(p.line, "unknown key %q", p.key)
		}
	}
	if facts == nil || facts.Kind == yaml.ScalarNode && facts.ShortTag() == "!!null" {
		return nil, b.errorf(factsLine, "no facts")
	}
	if facts.Kind != yaml.SequenceNode {
		return nil, b.errorf(facts.Line, "facts: want a list")
	}
	if len(facts.Content) == 0 {
		return nil, b.errorf(facts.Line, "no facts")
	}
	for _, n := range facts.Content {
		if err := b.addCurated(n); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

// addCurated adds the fact described by item n of a facts list.
func (b *docBuilder) addCurated(n *yaml.Node) error {
	what := "fact " + strconv.Itoa(len(b.doc.Facts)+1)
	pairs, err := b.yamlMapping(n, 0, what)
	if err != nil {
		return err
	}
	var text, section string
	var phrasings []string
	var c Citation
	textLine := 0
	for _, p := range pairs {
		var dst *string
		switch p.key {
		case "text":
			dst, textLine = &text, p.line
		case "section":
			dst = &section
		case "url":
			dst = &c.URL
		case "credit":
			dst = &c.Credit
		case "date":
			if c.Date, err = b.yamlDate(p.value, 0, what+": date"); err != nil {
				return err
			}
			continue
		case "phrasings":
			if phrasings, err = b.yamlStrings(p.value, what+": phrasings"); err != nil {
				return err
			}
			continue
		default:
			return b.errorf(p.line, "%s: unknown key %q", what, p.key)
		}
		if *dst, err = b.yamlString(p.value, 0, what+": "+p.key); err != nil {
			return err
		}
	}
	switch {
	case textLine == 0:
		return b.errorf(yamlResolve(n).Line, "%s: missing text", what)
	case text == "":
		return b.errorf(textLine, "%s: empty text", what)
	}
	section = collapseSpace(section)
	c.Section, c.Sentence = section, 1
	c.Paragraph = b.addParagraph(section, text)
	b.addFact(KindCurated, text, c).Phrasings = phrasings
	return nil
}

// yamlStrings returns the non-empty strings of a list node, or of a single
// string.
func (b *docBuilder) yamlStrings(n *yaml.Node, what string) ([]string, error) {
	n = yamlResolve(n)
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []string
	for _, item := range items {
		s, err := b.yamlString(item, 0, what)
		if err != nil {
			return nil, err
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}
